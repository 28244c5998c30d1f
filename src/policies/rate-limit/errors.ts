import { ErrorCategory } from '../../classify/error-category';
import { rateLimitedErrorBrand } from '../../classify/rate-limit';
import { tenaciousErrorBrand } from '../../classify/tenacious-error';

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/**
 * An attempt the rate limiter refused: its turn was further away than it could wait (`maxWait`,
 * the call's `deadline`), or the method is synchronous and its turn was not now. Nothing reached
 * the dependency.
 *
 * `isRateLimitError` is true for it, and its category is NON_RETRYABLE, as for `BrokenCircuitError`:
 * the limiter has just said there is no room before `retryAfter`, so an outer `@Retry` (the
 * caller's own, or one on a method that calls this one) does not spend attempts on it. Inside its
 * own call it is never retried either: a refused first attempt ends the call with this error, and
 * a refused retry ends it with the last real error. An outer `@RetryOnRateLimit` lane, whose job is
 * to wait out rate limits, does retry it.
 */
export class RateLimitExceededError extends Error {
  /** Stable, for programs that compare codes rather than classes. */
  readonly code = 'TENACIOUS_RATE_LIMITED' as const;
  /** How the classifier (and so `@Retry`) treats it; see the class comment. */
  readonly category: ErrorCategory = ErrorCategory.NON_RETRYABLE;
  /** Milliseconds until the limiter would have let the attempt through without waiting. */
  readonly retryAfter: number;

  constructor(retryAfter: number, message?: string) {
    super(
      message ??
        `rate limit exceeded: the attempt's turn is ${Math.ceil(retryAfter)} ms away, longer than it may wait`,
    );
    this.name = 'RateLimitExceededError';
    this.retryAfter = retryAfter;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RateLimitExceededError) return ordinaryHasInstance.call(this, value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    try {
      return (value as Record<symbol, unknown>)[rateLimitedErrorBrand] === true;
    } catch {
      return false; // a Proxy whose trap throws
    }
  }
}

Object.defineProperty(RateLimitExceededError.prototype, rateLimitedErrorBrand, { value: true });
Object.defineProperty(RateLimitExceededError.prototype, tenaciousErrorBrand, { value: true });
