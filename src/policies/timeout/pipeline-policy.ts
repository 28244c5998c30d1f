import type { CallRecord, FirstAttemptAnswer, PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration } from '../../core/policy-registry';
import { vetoMisuse } from '../../core/misuse-error';
import { runAsynchronousAttempt } from '../attempt-context/asynchronous-attempt';
import { AttemptTimeoutError } from './errors';
import { validateTimeout } from './options';

/**
 * A time limit on every attempt, innermost in the pipeline: when `ms` pass before the attempt
 * settles, its signal (`currentAttempt().signal`) aborts with an `AttemptTimeoutError` and the
 * attempt rejects with that error. The attempt also rejects at once, with the signal's reason,
 * whenever its signal aborts for another reason (the caller's abort, a hedge that won), even if
 * the method does not listen to it. The timer and the listener go when the attempt settles.
 */
export function timeoutPolicy(ms: number): PipelinePolicy {
  return {
    kind: 'timeout',
    providesAttemptContext: true,
    vetoRetry: vetoMisuse,
    wrapAttempt: (call, run) => raceTimeLimit(call, run, ms, undefined),
    // The race answers the call itself: with the value, or with the retries after a failure.
    wrapFirstAttempt: (call, run, answer) => raceTimeLimit(call, run, ms, answer),
  };
}

/**
 * Runs the attempt against its time limit. Settles once, with the first of: the attempt's own
 * settling, or its signal's abort (the time limit, the caller's abort, a hedge that won); with
 * `answer`, as the call's answer rather than as the attempt's.
 */
function raceTimeLimit(
  call: CallRecord,
  run: () => unknown,
  ms: number,
  answer: FirstAttemptAnswer | undefined,
): Promise<unknown> {
  const scope = call.attemptScope!;
  const { signal } = scope.controller;
  if (signal.aborted) {
    const reason = signal.reason as unknown;
    return answer === undefined
      ? Promise.reject(reason)
      : Promise.resolve(answer.failed(call, reason));
  }
  const attempt = call.attempt;
  const timer = setTimeout(() => scope.abort(new AttemptTimeoutError(ms, attempt)), ms);
  let value: PromiseLike<unknown>;
  try {
    value = runAsynchronousAttempt(run, call, '@Timeout');
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  return new Promise((resolve, reject) => {
    // Once: after an abort, the method's own settling is still heard (so that it is never
    // unhandled), and must not answer the call a second time.
    let settled = false;
    const settle = (failed: boolean, result: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      scope.onAbort = undefined;
      if (answer !== undefined) {
        resolve(failed ? answer.failed(call, result) : answer.succeeded(call, result));
      } else if (failed) {
        reject(result);
      } else {
        resolve(result);
      }
    };
    scope.onAbort = () => settle(true, signal.reason);
    try {
      value.then(
        (result) => settle(false, result),
        (error: unknown) => settle(true, error),
      );
    } catch (error) {
      // A thenable whose `then` throws: the attempt fails with that error, and its limit goes.
      settle(true, error);
    }
  });
}

export const timeoutRegistration: PolicyRegistration = {
  kind: 'timeout',
  optionKey: 'timeout',
  prepare: (value, source) => validateTimeout(value, source),
  create: (setting) => (setting === undefined ? undefined : timeoutPolicy(setting as number)),
};
