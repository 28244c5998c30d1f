import type { ResolvedBackoff } from '../backoff/jitter';
import type { rateLimitDefaults, retryDefaults } from './defaults';
import type { BackoffOptions } from './options';

/** Fills the backoff fields from `defaults` and turns the boolean jitter spellings into strategies. */
export function resolveBackoff(
  options: Pick<
    BackoffOptions,
    'initialDelay' | 'maxDelay' | 'exponentialBase' | 'jitter' | 'random'
  >,
  defaults: typeof retryDefaults | typeof rateLimitDefaults,
  /** With an explicit `delays` schedule, jitter is off unless asked for. */
  scheduled = false,
): ResolvedBackoff {
  const jitter = options.jitter ?? (scheduled ? 'none' : defaults.jitter);
  return {
    initialDelay: options.initialDelay ?? defaults.initialDelay,
    maxDelay: options.maxDelay ?? defaults.maxDelay,
    exponentialBase: options.exponentialBase ?? defaults.exponentialBase,
    jitter: jitter === true ? 'full' : jitter === false ? 'none' : jitter,
    random: options.random ?? Math.random,
  };
}
