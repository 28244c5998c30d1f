import { builtInThen } from '../../core/call-with-retry';
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
 * `answer`, as the call's answer rather than as the attempt's (from a reaction after the race when
 * the attempt is not a native promise).
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
    value = runAsynchronousAttempt(run, call, '@Timeout', 'timeout');
  } catch (error) {
    clearTimeout(timer);
    throw error;
  }
  // Set while the race cannot answer the call itself: see below.
  let answerInReaction = true;
  const race = new Promise((resolve, reject) => {
    // Once: after an abort, the method's own settling is still heard (so that it is never
    // unhandled), and must not answer the call a second time.
    let settled = false;
    const settle = (failed: boolean, result: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      scope.onAbort = undefined;
      if (answer !== undefined && !answerInReaction) {
        resolve(failed ? answer.failed(call, result) : answer.succeeded(call, result));
      } else if (failed) {
        reject(result);
      } else {
        resolve(result);
      }
    };
    scope.onAbort = () => settle(true, signal.reason);
    try {
      const { then } = value;
      // Only a native promise's `then` calls back later, in the async context it was called in,
      // and never with a thenable. Any other `then` (a thenable's, a subclass's own) may call back
      // at once, from the method's own context, or with a thenable to adopt: the race settles as
      // the attempt's, and the call is answered from a reaction made here, as without `answer`.
      answerInReaction = then !== builtInThen;
      const fulfilled = (result: unknown): void => settle(false, result);
      const rejected = (error: unknown): void => settle(true, error);
      // A native promise's `then` is called as a method, which V8 inlines (read twice: `settle`
      // answers once, whatever a getter does on the second read).
      if (answerInReaction) Reflect.apply(then, value, [fulfilled, rejected]);
      else value.then(fulfilled, rejected);
    } catch (error) {
      // A thenable whose `then` throws (a subclass's species, too): the attempt fails with that
      // error, and its limit goes. The call is answered from the reaction, never inside the call.
      answerInReaction = true;
      settle(true, error);
    }
    // Aborted while the method ran (it aborted the caller's signal itself): `abort` found no
    // `onAbort` to tell then, and the time limit's own abort will find the signal aborted already.
    if (signal.aborted) settle(true, signal.reason);
  });
  if (answer === undefined || !answerInReaction) return race;
  return race.then(
    (result) => answer.succeeded(call, result),
    (error: unknown) => answer.failed(call, error),
  );
}

export const timeoutRegistration: PolicyRegistration = {
  kind: 'timeout',
  optionKey: 'timeout',
  prepare: (value, source) => validateTimeout(value, source),
  create: (setting) => (setting === undefined ? undefined : timeoutPolicy(setting as number)),
};
