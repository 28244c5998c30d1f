/** What went wrong, as far as retrying is concerned. */
export enum ErrorCategory {
  /** Transient: the same call may well succeed later (429, 500, 502, 503, throttling). */
  RETRYABLE = 'retryable',
  /** Retrying cannot help (bad input, 4xx, unknown errors, a caller's abort). */
  NON_RETRYABLE = 'non_retryable',
  /** Credentials or permissions (401, 403, AccessDenied): never retried by default. */
  AUTH_FAILURE = 'auth_failure',
  /** The call or the server ran out of time (408, 504, ETIMEDOUT, undici timeouts). */
  TIMEOUT = 'timeout',
  /** The connection failed (refused, reset, DNS, broken pipe). */
  NETWORK = 'network',
}

const allCategories: ReadonlySet<string> = new Set(Object.values(ErrorCategory));

export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && allCategories.has(value);
}
