import { ErrorCategory } from '../../classify/error-category';
import { tenaciousErrorBrand } from '../../classify/tenacious-error';

// On the prototype, with Symbol.for: `instanceof` holds for an error made by a second copy of the
// package (see circuit-breaker/errors.ts).
const attemptTimeoutBrand: unique symbol = Symbol.for('tenacious.error.attempt-timeout') as never;

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/**
 * An attempt ran longer than its time limit (`@Timeout`, the `timeout` option). The attempt's
 * `AbortSignal` (from `currentAttempt()`) was aborted with this error as its reason, so I/O that was
 * given the signal has stopped. Category TIMEOUT: `@Retry` retries it by default.
 */
export class AttemptTimeoutError extends Error {
  /** Stable, for programs that compare codes rather than classes. */
  readonly code = 'TENACIOUS_ATTEMPT_TIMEOUT' as const;
  readonly category: ErrorCategory = ErrorCategory.TIMEOUT;
  /** The time limit that passed, in ms. */
  readonly timeout: number;
  /** The attempt that ran out of time, counting from 1. */
  readonly attempt: number;

  constructor(timeout: number, attempt: number) {
    super(`attempt ${attempt} timed out after ${timeout} ms`);
    this.name = 'AttemptTimeoutError';
    this.timeout = timeout;
    this.attempt = attempt;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AttemptTimeoutError) return ordinaryHasInstance.call(this, value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    try {
      return (value as Record<symbol, unknown>)[attemptTimeoutBrand] === true;
    } catch {
      return false; // a Proxy whose trap throws
    }
  }
}

Object.defineProperty(AttemptTimeoutError.prototype, attemptTimeoutBrand, { value: true });
Object.defineProperty(AttemptTimeoutError.prototype, tenaciousErrorBrand, { value: true });
