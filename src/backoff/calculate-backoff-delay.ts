import { retryDefaults } from '../policy/defaults';
import { describeValue } from '../policy/describe-value';
import type { BackoffOptions } from '../policy/options';
import { resolveBackoff } from '../policy/resolve-backoff';
import { validateBackoffCalculationOptions } from '../policy/validate-options';
import { computeBackoffDelay } from './compute-backoff-delay';

/** The backoff fields of `RetryOptions`, plus the previous delay that `'decorrelated'` grows from. */
export interface BackoffDelayOptions extends Pick<
  BackoffOptions,
  'initialDelay' | 'maxDelay' | 'exponentialBase' | 'jitter' | 'random'
> {
  /** The delay chosen before this one; only `'decorrelated'` uses it. Default: `initialDelay`. */
  previousDelay?: number;
}

/**
 * `Options` with every key that `BackoffDelayOptions` lacks made `never`: a `RetryOptions` (whose
 * `maxAttempts` or `retryOn` would be refused at run time as unknown options) does not compile.
 * It bounds the type parameter rather than typing the parameter: an intersection there would make
 * TypeScript infer a union of objects as its first member, refusing the others.
 */
export type OnlyBackoffDelayOptions<Options> = {
  readonly [Key in keyof Options]: Key extends keyof BackoffDelayOptions
    ? BackoffDelayOptions[Key]
    : never;
};

/**
 * The delay in ms after attempt `attempt` (counting from 1) failed, as the retry loop computes it
 * (without Retry-After). With `jitter: 'none'` and the defaults, attempts 1..5 give
 * 1000, 2000, 4000, 8000, 16000.
 */
export function calculateBackoffDelay<
  Options extends BackoffDelayOptions & OnlyBackoffDelayOptions<Options>,
>(attempt: number, options?: Options): number {
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(
      `calculateBackoffDelay: attempt must be an integer >= 1, got ${describeValue(attempt)}`,
    );
  }
  const given: BackoffDelayOptions = validateBackoffCalculationOptions(
    options,
    'calculateBackoffDelay',
  );
  const backoff = resolveBackoff(given, retryDefaults);
  return computeBackoffDelay(attempt, backoff, given.previousDelay ?? backoff.initialDelay);
}
