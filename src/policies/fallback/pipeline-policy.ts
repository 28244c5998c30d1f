import { isCallerAbort } from '../../classify/caller-abort';
import { callSignal } from '../../core/abort-signal';
import { adoptPromise, isPromiseLike, whenSettled } from '../../core/call-with-retry';
import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration } from '../../core/policy-registry';
import { isMisuse } from '../../core/misuse-error';
import { keepAsCause } from '../../core/user-callback';
import { isThenable, promiseReturnedError } from '../../policy/predicate-answer';
import { resolveFallbackSetting, type ResolvedFallback } from './options';

/**
 * A fallback in the pipeline, outermost: once the call has failed for good (retries exhausted or
 * not allowed, refused by a breaker or a concurrency limit), it answers the call with the value,
 * or with what the function returns for `(error, ...args)` called with the call's `this`
 * (pipeline.ts: `recover`). A caller's abort is never replaced; `on` narrows which failures are.
 * What the function throws (or its promise rejects with) is the call's error, with the failure as
 * its `cause` when it has none (user-callback.ts).
 */
export function fallbackPolicy(fallback: ResolvedFallback): PipelinePolicy {
  const { to, on } = fallback;
  return {
    kind: 'fallback',
    recover(call, error) {
      // A policy that cannot apply to the method (misuse-error.ts) is a bug to show, not to hide.
      if (isMisuse(error) || isAbortOfCall(call, error) || !accepts(call, error)) return undefined;
      if (typeof to !== 'function') return { value: to };
      let value: unknown;
      let promise: Promise<unknown> | undefined;
      try {
        value = Reflect.apply(to, call.thisArg, [error, ...call.args]);
        // In the `try`: a value whose `then` or `constructor` getter throws is the function's error.
        if (isPromiseLike(value)) promise = adoptPromise(value);
      } catch (thrown) {
        throw keepAsCause(thrown, error);
      }
      if (promise !== undefined) {
        // `whenSettled`: the built-in `then` refusing a Proxy of a native promise (which
        // `adoptPromise` returns as it is) is the function's error too, not a throw without cause.
        value = whenSettled(promise, undefined, (thrown: unknown) => {
          throw keepAsCause(thrown, error);
        });
      }
      return { value };
    },
  };

  function accepts(call: CallRecord, error: unknown): boolean {
    if (on === undefined) return true;
    try {
      if (typeof on !== 'function') return on.includes(call.pipeline.classify(error));
      const answer: unknown = on(error);
      if (isThenable(answer)) throw promiseReturnedError('option "on" of @Fallback', answer);
      return Boolean(answer);
    } catch (thrown) {
      throw keepAsCause(thrown, error);
    }
  }
}

/** Whether `error` is the caller's abort: an AbortError, or the reason of the call's own signal. */
function isAbortOfCall(call: CallRecord, error: unknown): boolean {
  if (isCallerAbort(error)) return true;
  let signal: AbortSignal | undefined;
  try {
    signal = callSignal(call);
  } catch {
    return false; // a `signal` option that fails: the call's failure says so already
  }
  return signal !== undefined && signal.aborted && signal.reason === error;
}

export const fallbackRegistration: PolicyRegistration = {
  kind: 'fallback',
  optionKey: 'fallback',
  prepare: resolveFallbackSetting,
  create(setting) {
    return setting === undefined ? undefined : fallbackPolicy(setting as ResolvedFallback);
  },
};
