/**
 * One retry configuration, written in each peer's terms (tenacious's is in retry-settings.ts): 3 attempts in all, exponential
 * backoff (100 ms doubling to at most 1 s) with full jitter, and an error filter that retries
 * `TransientError` only. Nothing fails in the benchmark, so the numbers never take effect; they
 * are here so that every library does its per-call set-up for the same, realistic policy.
 */
import { ExponentialBackoff, fullJitterGenerator, handleWhen, retry } from 'cockatiel';
import {
  BackOffPolicy,
  ExponentialBackoffStrategy,
  type RetryOptions as RetryDecoratorOptions,
} from 'typescript-retry-decorator';
import { isTransient } from './retry-settings';

export { isTransient, tenaciousOptions, TransientError } from './retry-settings';

/** cockatiel counts retries, not attempts: 2 retries are 3 attempts. */
export function createCockatielPolicy(): ReturnType<typeof retry> {
  return retry(handleWhen(isTransient), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: 100,
      maxDelay: 1000,
      exponent: 2,
    }),
  });
}

type Cockatiel4 = typeof import('cockatiel-4');

/** The same retry policy in cockatiel 4 (ESM only, so its module is passed in once imported). */
export function createCockatiel4RetryPolicy(
  cockatiel: Cockatiel4,
): ReturnType<Cockatiel4['retry']> {
  return cockatiel.retry(cockatiel.handleWhen(isTransient), {
    maxAttempts: 2,
    backoff: new cockatiel.ExponentialBackoff({
      generator: cockatiel.fullJitterGenerator,
      initialDelay: 100,
      maxDelay: 1000,
      exponent: 2,
    }),
  });
}

/**
 * cockatiel 4's breaker, set as `@CircuitBreaker()`'s defaults are: open at a failure ratio of 0.5
 * over 30 s once there is traffic, half-open after 30 s, counting `TransientError`s.
 */
export function createCockatiel4Breaker(
  cockatiel: Cockatiel4,
): ReturnType<Cockatiel4['circuitBreaker']> {
  return cockatiel.circuitBreaker(cockatiel.handleWhen(isTransient), {
    halfOpenAfter: 30_000,
    breaker: new cockatiel.SamplingBreaker({ threshold: 0.5, duration: 30_000, minimumRps: 1 }),
  });
}

/**
 * opossum 10, set as `@CircuitBreaker()`'s defaults are: 50% errors over a 30 s rolling window
 * once 10 calls were seen, 30 s open. Its default 10 s timeout per call (a timer per call) is
 * turned off: no other case has a timeout.
 */
export const opossumOptions = {
  timeout: false,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  rollingCountTimeout: 30_000,
  resetTimeout: 30_000,
  errorFilter: (error: unknown): boolean => !isTransient(error),
} as const;

/** p-retry counts retries too; `randomize` is its jitter (a factor in [1, 2)). */
export const pRetryOptions = {
  retries: 2,
  factor: 2,
  minTimeout: 100,
  maxTimeout: 1000,
  randomize: true,
  shouldRetry: ({ error }: { readonly error: Error }): boolean => isTransient(error),
};

/** typescript-retry-decorator's `maxAttempts` is the number of retries as well. */
export const retryDecoratorOptions: RetryDecoratorOptions = {
  maxAttempts: 2,
  backOffPolicy: BackOffPolicy.ExponentialBackOffPolicy,
  backOff: 100,
  exponentialOption: {
    maxInterval: 1000,
    multiplier: 2,
    backoffStrategy: ExponentialBackoffStrategy.FullJitter,
  },
  doRetry: isTransient,
  useOriginalError: true,
  useConsoleLogger: false,
};
