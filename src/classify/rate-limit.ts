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

function inspectForRateLimit(error: unknown): boolean | undefined {
  if (isCallerAbort(error)) return false;
  if (showsRateLimit(error, hasDefiniteSignal)) return true;
  // An error with a category of its own is what it says; its cause is not looked at.
  return categorizeOneError(error) === undefined ? undefined : false;
}
