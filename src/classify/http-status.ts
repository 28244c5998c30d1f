import { ErrorCategory } from './error-category';

/**
 * The category of an HTTP error status, or `undefined` below 400 (not an error) and outside 100..599.
 * 401/403 AUTH_FAILURE; 408 and 504 TIMEOUT; 429 and other 5xx RETRYABLE; other 4xx NON_RETRYABLE.
 */
export function categorizeHttpStatus(status: number): ErrorCategory | undefined {
  if (!Number.isInteger(status) || status < 400 || status > 599) return undefined;
  switch (status) {
    case 401:
    case 403:
      return ErrorCategory.AUTH_FAILURE;
    case 408:
      return ErrorCategory.TIMEOUT;
    // The gateway gave up waiting, so the request may still be running upstream: a timeout, not a plain retry.
    case 504:
      return ErrorCategory.TIMEOUT;
    case 429:
      return ErrorCategory.RETRYABLE;
    // The server says it lacks the feature or the protocol (501, 505) or is misconfigured (506, 508,
    // 510), or the network wants credentials (511): asking again gets the same answer.
    case 501:
    case 505:
    case 506:
    case 508:
    case 510:
    case 511:
      return ErrorCategory.NON_RETRYABLE;
  }
  return status >= 500 ? ErrorCategory.RETRYABLE : ErrorCategory.NON_RETRYABLE;
}
