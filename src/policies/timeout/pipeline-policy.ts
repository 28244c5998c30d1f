import type { PipelinePolicy } from '../../core/pipeline';
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
    wrapAttempt(call, run) {
      const scope = call.attemptScope!;
      const { signal } = scope.controller;
      if (signal.aborted) return Promise.reject(signal.reason as unknown);
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
        const stop = (): void => {
          clearTimeout(timer);
          scope.onAbort = undefined;
        };
        scope.onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason as unknown);
        };
        // The method's own settling after an abort is seen here too, so it is never unhandled.
        try {
          value.then(
            (result) => {
              stop();
              resolve(result);
            },
            (error: unknown) => {
              stop();
              reject(error);
            },
          );
        } catch (error) {
          // A thenable whose `then` throws: the attempt fails with that error, and its limit goes.
          stop();
          reject(error);
        }
      });
    },
  };
}

export const timeoutRegistration: PolicyRegistration = {
  kind: 'timeout',
  optionKey: 'timeout',
  prepare: (value, source) => validateTimeout(value, source),
  create: (setting) => (setting === undefined ? undefined : timeoutPolicy(setting as number)),
};
