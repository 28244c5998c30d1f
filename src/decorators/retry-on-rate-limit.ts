import type { RateLimitOptions } from '../policy/options';
import { validateRateLimitOptions } from '../policy/validate-options';
import { applyLane } from './apply-lane';
import { rejectUseWithoutParentheses } from './decorator-arguments';
import type { MethodDecoratorFunction } from './decorator-types';

/**
 * Retries the method only when it is rate limited (`isRateLimitError`, or one of
 * `rateLimitErrors`), on a longer, always-jittered schedule; any other error is rethrown at once.
 * Stacked with `@Retry`, it becomes the rate-limit lane of the same retry loop.
 */
export function RetryOnRateLimit(options?: RateLimitOptions): MethodDecoratorFunction {
  rejectUseWithoutParentheses(
    arguments.length,
    '@RetryOnRateLimit',
    'an options object',
    '@RetryOnRateLimit()',
  );
  const validated = validateRateLimitOptions(options, '@RetryOnRateLimit');
  return function retryOnRateLimitDecorator(...args: unknown[]) {
    return applyLane(args, '@RetryOnRateLimit', { name: 'rateLimit', options: validated });
  } as MethodDecoratorFunction;
}
