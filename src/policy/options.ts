import type { Classifier } from '../classify/classifier';
import type { ErrorCategory } from '../classify/error-category';
import type {
  CircuitBreakerSetting,
  RateLimiterSetting,
  ConcurrencyLimitSetting,
  HedgeOptions,
  RetryBudgetSetting,
  TimeoutSetting,
} from './policy-settings';
import type { FallbackSetting } from '../policies/fallback/options';

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
/**
 * An explicit schedule of delays instead of exponential backoff: a list whose last value repeats,
 * or a function of the attempt that failed (from 1) and its error.
 */
export type DelaySchedule = readonly number[] | ((attempt: number, error: unknown) => number);

/**
 * Options shared by both retry lanes. All delays are in milliseconds. The defaults shown are those
 * of the retry lane (`RetryOptions`); `RateLimitOptions` states its own.
 */
export interface BackoffOptions {
  /**
   * Total calls including the first; an integer >= 1 (Infinity only with `deadline`).
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Delay before the 2nd attempt, before jitter.
   * @default 1000
   */
  initialDelay?: number;
  /**
   * Cap on every delay, after jitter and after Retry-After.
   * @default 60000
   */
  maxDelay?: number;
  /**
   * Growth factor of the delay between attempts; > 1.
   * @default 2
   */
  exponentialBase?: number;
  /**
   * How each delay is randomised: `'full'`, `'equal'`, `'decorrelated'`, `'proportional'` or
   * `'none'`; `true` means `'full'`, `false` means `'none'`.
   * @default 'full'
   */
  jitter?: JitterOption;
  /**
   * Total budget in ms, measured from the first call; a sleep that would cross it is not started.
   * @default undefined (no deadline)
   */
  deadline?: number;
  /**
   * Honour `Retry-After` (seconds or an HTTP-date), `retry-after-ms` and `x-amz-retry-after`
   * (milliseconds) found on the error, clamped to `maxDelay`.
   * @default true
   */
  respectRetryAfter?: boolean;
  /**
   * Where the call's abort signal comes from; abort stops the wait at once and rejects with the
   * signal's reason.
   * @default auto: an `AbortSignal` argument, or one at `.signal` / `.abortSignal` of an argument
   */
  signal?: SignalOption;
  /**
   * Called before each sleep with the error, the attempt that failed (from 1) and the delay.
   * @default undefined
   */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Called once when the call fails for good, with the last error and the attempts made.
   * @default undefined
   */
  onGiveUp?: (error: unknown, attempts: number) => void;
  /**
   * Source of randomness in [0, 1) for jitter; inject one for reproducible schedules.
   * @default Math.random
   */
  random?: () => number;
}

/**
 * `true` when a function that returns `Returned` is taken for a stream (an async generator
 * function): it returns an async iterable and not a promise. `retryOnResult` is never called for
 * streams; the types cannot tell an `async *` function from one that returns an iterable.
 */
export type ReturnsStream<Returned> = [Returned] extends [PromiseLike<unknown>]
  ? false
  : [Returned] extends [AsyncIterable<unknown>]
    ? true
    : false;

/**
 * Options of `@Retry`, `withRetry`, `retryable` and `RetryContext`. `Result` is what
 * `retryOnResult` is given: the decorated method's or function's result (a promise's value), so
 * `(response: Response) => response.status === 429` type-checks against what the method returns.
 */
export interface RetryOptions<Result = unknown> extends BackoffOptions {
  /**
   * Error classes, or a predicate; when given it alone decides what is retried.
   * @default undefined (`retryCategories` decides)
   */
  retryOn?: readonly ErrorClass[] | RetryOnPredicate;
  /**
   * Categories retried when `retryOn` is absent.
   * @default [ErrorCategory.RETRYABLE, ErrorCategory.TIMEOUT, ErrorCategory.NETWORK]
   */
  retryCategories?: readonly ErrorCategory[];
  /**
   * `false` for calls that must not run twice (a payment, a POST without an idempotency key):
   * only failures known to happen before the call was processed are retried.
   * @default true
   */
  idempotent?: boolean;
  /**
   * Retry when the call returns a value this predicate accepts (e.g. a 429 response). It is given
   * the method's result (what its promise resolves to); never called for async generator methods,
   * whose values are not retried.
   * @default undefined
   */
  retryOnResult?: (result: Result) => boolean;
  /**
   * Consulted before the class classifiers and the built-in `classifyError`.
   * @default undefined
   */
  classifier?: Classifier;
  /**
   * Called once after a call that succeeded, on any attempt, with its result (what its promise
   * resolves to) and the attempts made.
   * @default undefined
   */
  onSuccess?: (result: Result, attempts: number) => void;
  /**
   * An explicit schedule instead of exponential backoff: `number[]` (the last value repeats) or
   * `(attempt, error) => number`. With it, `jitter` defaults to `'none'`; `maxDelay` still caps it.
   * @default undefined (exponential backoff)
   */
  delays?: DelaySchedule;
  /**
   * The retry budget that may refuse retries when too many calls retry at once: a `RetryBudget`
   * shared by the methods naming it, or `false` for none.
   * @default one per decorated class and per `retryable` function; none for `withRetry` and
   * `RetryContext`
   */
  budget?: RetryBudgetSetting;
}

/** Options of `@RetryOnRateLimit`. Jitter is always on: `'none'` and `false` are rejected. */
export interface RateLimitOptions extends BackoffOptions {
  /**
   * Total calls including the first; an integer >= 1 (Infinity only with `deadline`).
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Delay before the 2nd attempt, before jitter.
   * @default 2000
   */
  initialDelay?: number;
  /**
   * Cap on every delay, after jitter and after Retry-After.
   * @default 120000
   */
  maxDelay?: number;
  /**
   * How each delay is randomised; always on: `'none'` and `false` are rejected.
   * @default 'full'
   */
  jitter?: Exclude<JitterStrategy, 'none'> | true;
  /**
   * Extra error classes treated as rate limits, besides what `isRateLimitError` recognises.
   * @default undefined (only what `isRateLimitError` recognises)
   */
  rateLimitErrors?: readonly ErrorClass[];
}

/**
 * Options of `@RetryDefaults` (where `Result` stays `unknown`: they apply to every method of the
 * class) and of the functional forms that run both lanes.
 */
export interface RetryDefaultsOptions<Result = unknown> extends RetryOptions<Result> {
  /**
   * The rate-limit lane: in `@RetryDefaults`, defaults for `@RetryOnRateLimit` methods; in
   * `withRetry` / `retryable`, it gives rate-limit errors their own lane, as `@RetryOnRateLimit` does.
   * @default undefined (`@RetryDefaults`: the built-in rate-limit defaults; `withRetry` /
   * `retryable`: no rate-limit lane)
   */
  rateLimit?: RateLimitOptions;
  /**
   * A circuit breaker for every decorated method of the class (one breaker for all of them), or
   * for the function: breaker options, or a `Breaker` to share.
   * @default undefined (no circuit breaker)
   */
  circuitBreaker?: CircuitBreakerSetting;
  /**
   * A rate limiter around every attempt of every decorated method of the class (one limiter for
   * all of them), or of the function: limiter options, or a `RateLimiter` to share. Not to be
   * confused with `rateLimit`, the retry lane for rate-limit errors.
   * @default undefined (no rate limiter)
   */
  rateLimiter?: RateLimiterSetting;
  /**
   * A concurrency limit for every decorated method of the class (one limiter for all of them), or
   * for the function: limiter options, or a `ConcurrencyLimiter` to share. Given as options to
   * `withRetry`, it limits the calls made with that same options object only.
   * @default undefined (no limit)
   */
  concurrencyLimit?: ConcurrencyLimitSetting;
  /**
   * A fallback for every decorated method of the class, or for the function: `{ to, on? }`, as
   * `@Fallback(to, { on })`.
   * @default undefined (no fallback)
   */
  fallback?: FallbackSetting;
  /**
   * A time limit on every attempt of every decorated method of the class (or of the function):
   * ms, or `{ ms }`, as `@Timeout` takes. On expiry the attempt's signal aborts and the attempt
   * rejects with `AttemptTimeoutError`, which is retried.
   * @default undefined (no time limit)
   */
  timeout?: TimeoutSetting;
  /**
   * Hedged attempts for every decorated method of the class (or for the function), as `@Hedge`
   * takes them; refused with `idempotent: false`.
   * @default undefined (no hedging)
   */
  hedge?: HedgeOptions;
  /**
   * `true`: `currentAttempt()` answers inside every attempt (its number and `AbortSignal`), even
   * without `timeout` or `hedge`, which give one anyway.
   * @default false
   */
  attemptContext?: boolean;
}
