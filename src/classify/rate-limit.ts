import { isCallerAbort } from './caller-abort';
import { categorizeOneError, hasDefiniteSignal } from './categorize-one-error';
import { findInErrorChain } from './error-shape';
import { showsRateLimit } from './rate-limit-signals';

/**
 * Whether the error is a rate limit: HTTP 429, an AWS throttling name (ThrottlingException,
 * ModelNotReadyException, ...), `$retryable.throttling`, or, on an error with no status, known code or
 * name, a message matching /rate.?limit|throttl/i (a 400 about a field `rate_limit` is a 400).
 * Looks through `cause` and `errors` of errors that say nothing themselves. Never throws.
 */
export function isRateLimitError(error: unknown): boolean {
  try {
    return findInErrorChain(error, inspectForRateLimit) ?? false;
  } catch {
    return false;
  }
}

/**
 * On the prototype of `RateLimitExceededError` (src/policies/rate-limit/errors.ts): a rate limiter's
 * refusal is a rate limit, though its own category is NON_RETRYABLE. `Symbol.for`, so an error from
 * a second copy of the package counts.
 */
export const rateLimitedErrorBrand: unique symbol = Symbol.for(
  'tenacious.error.rate-limited',
) as never;

function inspectForRateLimit(error: unknown): boolean | undefined {
  if (isCallerAbort(error)) return false;
  if (hasRateLimitedBrand(error)) return true;
  if (showsRateLimit(error, hasDefiniteSignal)) return true;
  // An error with a category of its own is what it says; its cause is not looked at.
  return categorizeOneError(error) === undefined ? undefined : false;
}

function hasRateLimitedBrand(error: unknown): boolean {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return false;
  try {
    return (error as Record<symbol, unknown>)[rateLimitedErrorBrand] === true;
  } catch {
    // A Proxy whose trap throws is not one of ours; what its other properties say still counts.
    return false;
  }
}
