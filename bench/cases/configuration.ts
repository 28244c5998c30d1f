/**
 * One retry configuration, written in each library's terms: 3 attempts in all, exponential
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
import type { FunctionRetryOptions, RetryOptions } from '../../src';

export class TransientError extends Error {}

export function isTransient(error: unknown): boolean {
  return error instanceof TransientError;
}

export const tenaciousOptions: RetryOptions & FunctionRetryOptions = {
  maxAttempts: 3,
  initialDelay: 100,
  maxDelay: 1000,
  exponentialBase: 2,
  jitter: 'full',
  retryOn: isTransient,
};

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
