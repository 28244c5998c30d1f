import { jitterFunctions, type ResolvedBackoff } from './jitter';

/**
 * The delay in whole milliseconds to wait after attempt `attempt` (from 1) failed, in [0, maxDelay].
 * `previousDelay` is the delay chosen after the previous failure; pass `initialDelay` for the first.
 *
 * Does not validate: options are checked once when a policy is built, and this runs on every retry.
 */
export function computeBackoffDelay(
  attempt: number,
  backoff: ResolvedBackoff,
  previousDelay: number,
  /** The base delay from an explicit schedule (the `delays` option), instead of the exponential one. */
  scheduledBase?: number,
): number {
  const { initialDelay, maxDelay } = backoff;
  // exponentialBase ** hugeAttempt is Infinity, and min(Infinity, maxDelay) is maxDelay; only
  // 0 * Infinity would give NaN, hence the initialDelay check.
  const base =
    scheduledBase !== undefined
      ? Math.min(scheduledBase, maxDelay)
      : initialDelay === 0
        ? 0
        : Math.min(initialDelay * backoff.exponentialBase ** (attempt - 1), maxDelay);
  const delay = Math.round(jitterFunctions[backoff.jitter](base, backoff, previousDelay));
  if (delay > maxDelay) return Math.floor(maxDelay);
  // `!(delay >= 0)` also catches NaN from a misbehaving injected `random`.
  if (!(delay >= 0)) return 0;
  return delay;
}
