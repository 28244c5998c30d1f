import { ErrorCategory } from '../classify/error-category';

/** Built-in defaults of `@Retry`, `withRetry`, `retryable` and `RetryContext` (DESIGN section 1). */
export const retryDefaults = {
  maxAttempts: 3,
  initialDelay: 1000,
  maxDelay: 60_000,
  exponentialBase: 2,
  jitter: 'full',
  respectRetryAfter: true,
  idempotent: true,
  retryCategories: [ErrorCategory.RETRYABLE, ErrorCategory.TIMEOUT, ErrorCategory.NETWORK],
} as const;

/**
 * Built-in defaults of `@RetryOnRateLimit`: a throttled caller must back off longer and further than
 * one that met a transient fault, or it keeps the limit tripped for everybody.
 */
export const rateLimitDefaults = {
  maxAttempts: 5,
  initialDelay: 2000,
  maxDelay: 120_000,
  exponentialBase: 2,
  jitter: 'full',
  respectRetryAfter: true,
} as const;
