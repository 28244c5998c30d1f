import type { Classifier } from '../classify/classifier';
import type { ErrorCategory } from '../classify/error-category';
import type { CircuitBreakerSetting, RetryBudgetSetting } from './policy-settings';

/** How a computed delay is randomised. `true` means `'full'`, `false` means `'none'`. */
export type JitterStrategy = 'full' | 'equal' | 'decorrelated' | 'proportional' | 'none';
export type JitterOption = JitterStrategy | boolean;

/** A class whose instances are errors, as given to `retryOn` or `rateLimitErrors`. */
// `never[]` accepts every constructor signature without resorting to `any`.
export type ErrorClass = abstract new (...args: never[]) => unknown;

/** What `retryOn` is told about a failure when it is a function. */
export interface RetryOnContext {
  readonly category: ErrorCategory;
  /** The attempt that just failed, counting from 1. */
  readonly attempt: number;
}

export type RetryOnPredicate = (error: unknown, context: RetryOnContext) => boolean;

/**
 * Where the abort signal for a call comes from: a function of the call's arguments, or a signal.
 * By default an `AbortSignal` argument, or one at `.signal` / `.abortSignal` of an argument, is used.
 */
export type SignalOption = ((args: readonly unknown[]) => AbortSignal | undefined) | AbortSignal;

/**
 * An explicit schedule of delays instead of exponential backoff: a list whose last value repeats,
 * or a function of the attempt that failed (from 1) and its error.
 */
export type DelaySchedule = readonly number[] | ((attempt: number, error: unknown) => number);

/** Options shared by both retry lanes. All delays are in milliseconds. */
export interface BackoffOptions {
  /** Total calls including the first; an integer >= 1 (Infinity only with `deadline`). */
  maxAttempts?: number;
  /** Delay before the 2nd attempt, before jitter. */
  initialDelay?: number;
  /** Cap on every delay, after jitter and after Retry-After. */
  maxDelay?: number;
  /** Growth factor of the delay between attempts; > 1. */
  exponentialBase?: number;
  jitter?: JitterOption;
  /** Total budget in ms, measured from the first call; a sleep that would cross it is not started. */
  deadline?: number;
  /** Honour `Retry-After` / `x-amz-retry-after` found on the error (clamped to `maxDelay`). */
  respectRetryAfter?: boolean;
  signal?: SignalOption;
  /** Called before each sleep with the error, the attempt that failed (from 1) and the delay. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Called once when the call fails for good, with the last error and the attempts made. */
  onGiveUp?: (error: unknown, attempts: number) => void;
  /** Source of randomness in [0, 1) for jitter; inject one for reproducible schedules. */
  random?: () => number;
}

/** Options of `@Retry`, `withRetry`, `retryable` and `RetryContext`. */
export interface RetryOptions extends BackoffOptions {
  /** Error classes, or a predicate; when given it alone decides what is retried. */
  retryOn?: readonly ErrorClass[] | RetryOnPredicate;
  /** Categories retried when `retryOn` is absent. Default: RETRYABLE, TIMEOUT, NETWORK. */
  retryCategories?: readonly ErrorCategory[];
  /**
   * `false` for calls that must not run twice (a payment, a POST without an idempotency key):
   * only failures known to happen before the call was processed are retried.
   */
  idempotent?: boolean;
  /** Retry when the call returns a value this predicate accepts (e.g. a 429 response). */
  retryOnResult?: (result: unknown) => boolean;
  /** Consulted before the class classifiers and the built-in `classifyError`. */
  classifier?: Classifier;
  /** Called once after a call that succeeded, on any attempt, with its result and the attempts made. */
  onSuccess?: (result: unknown, attempts: number) => void;
  /**
   * An explicit schedule instead of exponential backoff: `number[]` (the last value repeats) or
   * `(attempt, error) => number`. With it, `jitter` defaults to `'none'`; `maxDelay` still caps it.
   */
  delays?: DelaySchedule;
  /**
   * The retry budget that may refuse retries when too many calls retry at once: a `RetryBudget`
   * shared by the methods naming it, or `false` for none. Default: one per decorated class and per
   * `retryable` function; none for `withRetry`.
   */
  budget?: RetryBudgetSetting;
}

/** Options of `@RetryOnRateLimit`. Jitter is always on: `'none'` and `false` are rejected. */
export interface RateLimitOptions extends BackoffOptions {
  jitter?: Exclude<JitterStrategy, 'none'> | true;
  /** Extra error classes treated as rate limits, besides what `isRateLimitError` recognises. */
  rateLimitErrors?: readonly ErrorClass[];
}

/** Options of `@RetryDefaults` and of the functional forms that run both lanes. */
export interface RetryDefaultsOptions extends RetryOptions {
  /** Defaults for the rate-limit lane (`@RetryOnRateLimit` methods). */
  rateLimit?: RateLimitOptions;
  /**
   * A circuit breaker for every decorated method of the class (one breaker for all of them), or
   * for the function: breaker options, or a `Breaker` to share.
   */
  circuitBreaker?: CircuitBreakerSetting;
}
