import type { RetryDefaultsOptions, ReturnsStream } from '../policy/options';
import { createRetryPolicy, type RetryPolicy } from '../policy/retry-policy';
import { validateRetryDefaultsOptions } from '../policy/validate-options';
import { callAsynchronouslyWithRetry, type RetriedFunction } from './call-with-retry';
import { PolicyCache } from './policy-cache';
import { createRetryingFunction } from './retrying-function';

/**
 * Options of `withRetry` and `retryable`: `RetryOptions` for the retry lane, and optionally
 * `rateLimit` to give rate-limit errors their own lane, as `@RetryOnRateLimit` does. `Result` is
 * what `retryOnResult` is given: the function's result, or what its promise resolves to.
 */
export type FunctionRetryOptions<Result = unknown> = RetryDefaultsOptions<Result>;

/** Options of `retryable` for an async generator function: `retryOnResult` is never called there. */
export type StreamRetryOptions = Omit<FunctionRetryOptions, 'retryOnResult'>;

/**
 * The options `retryable` takes for `Target`: `retryOnResult` is given what `Target` returns (what
 * its promise resolves to), and is refused for a function that returns an async iterable (a stream).
 */
export type RetryableOptions<Target extends (...args: never[]) => unknown> =
  ReturnsStream<ReturnType<Target>> extends true
    ? StreamRetryOptions
    : FunctionRetryOptions<Awaited<ReturnType<Target>>>;

let defaultPolicy: RetryPolicy | undefined;

function policyFromOptions(options: object | undefined, source: string): RetryPolicy {
  if (options === undefined) return (defaultPolicy ??= createRetryPolicy({ retry: [{}] }));
  const { rateLimit, ...retry } = validateRetryDefaultsOptions(options, source);
  return createRetryPolicy({ retry: [retry], rateLimit: rateLimit && [rateLimit] });
}

/**
 * Runs `fn` now, retrying it per `options`; resolves with its result or rejects with its last
 * error. `retryOnResult` is given what `fn` returns (what its promise resolves to).
 */
// `Awaited` in the options keeps them from steering the inference: Result comes from fn alone, so a
// predicate typed for the promise rather than its value is refused.
export function withRetry<Result>(
  fn: () => Result | PromiseLike<Result>,
  options?: FunctionRetryOptions<Awaited<Result>>,
): Promise<Result> {
  if (typeof fn !== 'function') {
    throw new TypeError(`withRetry: expected a function, got ${typeof fn}`);
  }
  const policy = policyFromOptions(options, 'withRetry');
  return callAsynchronouslyWithRetry(
    policy,
    fn as RetriedFunction,
    undefined,
    [],
  ) as Promise<Result>;
}

/**
 * Returns a function with the same signature as `fn` that retries it per `options`. Like a
 * decorated method, a synchronous `fn` stays synchronous and an async generator is retried until
 * its first value.
 */
export function retryable<Target extends (...args: never[]) => unknown>(
  fn: Target,
  options?: RetryableOptions<Target>,
): Target {
  if (typeof fn !== 'function') {
    throw new TypeError(`retryable: expected a function, got ${typeof fn}`);
  }
  const policy = policyFromOptions(options, 'retryable');
  return createRetryingFunction(
    fn as RetriedFunction,
    new PolicyCache(() => policy),
    'retryable',
  ) as Target;
}
