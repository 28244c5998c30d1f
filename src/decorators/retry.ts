import type { RetryOptions } from '../policy/options';
import { validateRetryOptions } from '../policy/validate-options';
import { applyLane } from './apply-lane';
import { rejectUseWithoutParentheses } from './decorator-arguments';
import type { RetryDecoratorFunction, RetryOnResultDecoratorFunction } from './decorator-types';

/**
 * Retries the method per `options` when it fails with a retryable error (RETRYABLE, TIMEOUT or
 * NETWORK by default). Options are validated here, when the class is defined. A `retryOnResult`
 * predicate is typed by the method's result: `(response: Response) => response.status === 429`
 * compiles on a method that returns a `Promise<Response>`, and not on one that returns another type.
 */
export function Retry<Result>(
  options: RetryOptions<Result> & { retryOnResult: (result: Result) => boolean },
): RetryOnResultDecoratorFunction<Result>;
/**
 * Retries the method per `options` when it fails with a retryable error (RETRYABLE, TIMEOUT or
 * NETWORK by default). Options are validated here, when the class is defined. Options without a
 * `retryOnResult` (or made elsewhere, as `RetryOptions<Result>`) suit any method whose result is
 * a `Result`, and async generator methods.
 */
export function Retry<Result = unknown>(
  options?: RetryOptions<Result>,
): RetryDecoratorFunction<Result>;
export function Retry(options?: RetryOptions<never>): (...args: never[]) => unknown {
  rejectUseWithoutParentheses(arguments.length, '@Retry', 'an options object', '@Retry()');
  const validated = validateRetryOptions(options, '@Retry');
  return function retryDecorator(...args: unknown[]) {
    return applyLane(args, '@Retry', { name: 'retry', options: validated });
  };
}
