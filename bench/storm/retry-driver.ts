import { RetryContext, type RateLimitOptions, type RetryOptions } from '../../src';
import { failedWith } from '../../src/core/outcome';
import { createRetryState, decideRetry } from '../../src/core/retry-decision';
import { createRetryPolicy } from '../../src/policy/retry-policy';
import { validateRateLimitOptions, validateRetryOptions } from '../../src/policy/validate-options';

/**
 * One simulated client's retry decisions, made by the library's own code. The simulator owns the
 * clock: a driver never sleeps, it only says how long to wait.
 */
export interface RetryDriver {
  /** An attempt starts now. */
  beginAttempt(): void;
  /** The attempt in progress failed: the wait in ms before the next one, or undefined to give up. */
  recordFailure(error: unknown): number | undefined;
}

/** A `RetryContext`, as a user would drive it by hand: what `@Retry`, `withRetry` and `retryable` decide. */
export function retryContextDriver(options: RetryOptions): RetryDriver {
  const context = new RetryContext(options);
  // The synchronous iterator moves on to the next attempt without sleeping: the event queue waits.
  const attempts = context[Symbol.iterator]();
  return {
    beginAttempt: () => {
      attempts.next();
    },
    recordFailure: (error) => {
      context.recordFailure(error);
      return context.shouldRetry() ? context.getDelay() : undefined;
    },
  };
}

export interface LaneOptions {
  /** `@Retry`'s options; leave out for a method without `@Retry`. */
  readonly retry?: RetryOptions;
  /** `@RetryOnRateLimit`'s options; leave out for a method without `@RetryOnRateLimit`. */
  readonly rateLimit?: RateLimitOptions;
}

/**
 * The policy of a method decorated with `@Retry` and/or `@RetryOnRateLimit`. `RetryContext` has
 * the retry lane only, so this builds the same two-lane policy the decorators build and asks the
 * retry loop's own decision function, with the same per-call state.
 */
export function decoratedMethodDriver(lanes: LaneOptions): RetryDriver {
  const policy = createRetryPolicy({
    retry: lanes.retry && [validateRetryOptions(lanes.retry, '@Retry')],
    rateLimit: lanes.rateLimit && [validateRateLimitOptions(lanes.rateLimit, '@RetryOnRateLimit')],
  });
  // The start time only matters for a deadline, and these policies have none.
  const state = createRetryState(policy, 0);
  let attempt = 0;
  return {
    beginAttempt: () => {
      attempt += 1;
    },
    recordFailure: (error) => decideRetry(policy, state, failedWith(error), attempt).delay,
  };
}
