import { reportListenerFailure } from '../policies/listener-failure';

/**
 * The rule for user code that tenacious runs while it handles an attempt's outcome (classifiers,
 * `retryOn`, `retryOnResult`, `onRetry`, `onGiveUp`, the `signal` option): whatever it throws ends
 * the call at once, as that very value, never swallowed, wrapped or retried; a bug in a hook is not
 * a transient failure. The outcome being handled is not lost either: it becomes the thrown error's
 * `cause` when that error has none, as `new Error(message, { cause })` would have set it.
 */
export function keepAsCause(thrown: unknown, handled: unknown): unknown {
  if (
    thrown === handled ||
    thrown === null ||
    (typeof thrown !== 'object' && typeof thrown !== 'function')
  ) {
    return thrown;
  }
  try {
    if (!('cause' in thrown) && Object.isExtensible(thrown)) {
      Object.defineProperty(thrown, 'cause', {
        value: handled,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  } catch {
    // A Proxy's trap refused (or is revoked): the thrown value still goes out, unchanged.
  }
  return thrown;
}

/** `retryOnResult(value)`, under the rule above; its answer is read for truthiness, like a filter's. */
export function isResultRetried(
  retryOnResult: (result: unknown) => unknown,
  value: unknown,
): boolean {
  try {
    return Boolean(retryOnResult(value));
  } catch (thrown) {
    throw keepAsCause(thrown, value);
  }
}

/**
 * Whether the call retries this successful attempt's value: the answer runAttempt already got, or
 * `retryOnResult`'s, asked now.
 */
export function isOutcomeRetried(
  outcome: { readonly value: unknown; readonly resultRetried?: boolean },
  retryOnResult: ((result: unknown) => unknown) | undefined,
): boolean {
  if (outcome.resultRetried !== undefined) return outcome.resultRetried;
  return retryOnResult !== undefined && isResultRetried(retryOnResult, outcome.value);
}

/**
 * What a hook returned (`onRetry`, `onGiveUp`, `onSuccess`): the call does not wait for an async
 * hook, and its rejection, which nothing else would handle, is reported as a `TenaciousWarning`
 * (listener-failure.ts) instead of surfacing as an unhandled rejection.
 */
export function reportHookRejection(answer: unknown, hookName: string): void {
  if (
    answer !== null &&
    (typeof answer === 'object' || typeof answer === 'function') &&
    typeof (answer as PromiseLike<unknown>).then === 'function'
  ) {
    (answer as PromiseLike<unknown>).then(undefined, (reason: unknown) =>
      reportListenerFailure(hookName, reason),
    );
  }
}
