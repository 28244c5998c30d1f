import { computeBackoffDelay } from '../backoff/compute-backoff-delay';
import { readRetryAfter } from '../backoff/retry-after';
import { describeValue } from '../policy/describe-value';
import type { ErrorCategory } from '../classify/error-category';
import type { DelaySchedule } from '../policy/options';
import type { RetryLane, RetryPolicy } from '../policy/retry-policy';
import { outcomeValue, type Outcome } from './outcome';

interface LaneProgress {
  failures: number;
  previousDelay: number;
}

/** What one call (or one RetryContext) has used of each lane so far. */
export interface RetryState {
  readonly startedAt: number;
  readonly retry: LaneProgress;
  readonly rateLimit: LaneProgress;
  /**
   * Attempts that went on without an outcome to decide on (a RetryContext iteration that recorded
   * no failure): they count toward every lane's cap.
   */
  attemptsWithoutOutcome: number;
}

export interface RetryDecision {
  /** The lane the failure belongs to; undefined when no lane retries it. */
  readonly lane: RetryLane | undefined;
  /** The wait before the next attempt, or undefined to give up. */
  readonly delay: number | undefined;
  /** The failure's category; undefined for a returned value that `retryOnResult` retries. */
  readonly category: ErrorCategory | undefined;
  /** Why there is no delay: no lane retries the failure, or the lane's cap or the deadline. */
  readonly stop: 'not-retryable' | 'exhausted' | undefined;
}

/** When a call started, for its deadline; the clock is read only when there is one. */
export function callStartTime(policy: RetryPolicy): number {
  return policy.deadline === undefined ? 0 : Date.now();
}

export function createRetryState(policy: RetryPolicy, startedAt: number): RetryState {
  return {
    startedAt,
    retry: { failures: 0, previousDelay: policy.retryLane?.backoff.initialDelay ?? 0 },
    rateLimit: { failures: 0, previousDelay: policy.rateLimitLane?.backoff.initialDelay ?? 0 },
    attemptsWithoutOutcome: 0,
  };
}

/**
 * Decides whether the attempt that just ended (`attempt`, counting from 1) is retried, in which
 * lane, and after how long. The one place that classifies, applies the caps, reads Retry-After and
 * enforces the deadline; the retry loop and RetryContext both ask it. Records the retry in `state`.
 */
export function decideRetry(
  policy: RetryPolicy,
  state: RetryState,
  outcome: Outcome,
  attempt: number,
): RetryDecision {
  const category = outcome.failed ? policy.classify(outcome.error) : undefined;
  const lane = chooseLane(policy, outcome, category, attempt);
  if (lane === undefined) {
    return {
      lane: policy.retryLane ?? policy.rateLimitLane,
      delay: undefined,
      category,
      stop: 'not-retryable',
    };
  }

  const progress = state[lane.name];
  const laneAttempt = progress.failures + 1;
  if (laneAttempt + state.attemptsWithoutOutcome >= lane.maxAttempts) {
    return { lane, delay: undefined, category, stop: 'exhausted' };
  }

  const now = Date.now();
  const failure = outcome.failed ? outcome.error : outcome.value;
  let delay = computeBackoffDelay(
    laneAttempt,
    lane.backoff,
    progress.previousDelay,
    lane.schedule && scheduledDelay(lane.schedule, laneAttempt, failure),
  );
  if (lane.respectRetryAfter) {
    // The server's wait is a floor, not a replacement: jitter on top of it keeps throttled clients
    // from returning in lockstep. maxDelay still caps it.
    const retryAfter = readRetryAfter(failure, now);
    if (retryAfter !== undefined && retryAfter > delay) {
      delay = Math.min(retryAfter, Math.floor(lane.backoff.maxDelay));
    }
  }
  if (policy.deadline !== undefined && now - state.startedAt + delay > policy.deadline) {
    return { lane, delay: undefined, category, stop: 'exhausted' };
  }

  progress.failures += 1;
  progress.previousDelay = delay;
  return { lane, delay, category, stop: undefined };
}

/**
 * Whether a sleep of `delay` started now would end past the call's deadline. Asked again right
 * before sleeping, because user code (onRetry, the caller's own work between RetryContext's
 * recordFailure() and wait()) may have taken time since `decideRetry` looked at the clock.
 */
export function sleepCrossesDeadline(
  policy: RetryPolicy,
  state: RetryState,
  delay: number,
): boolean {
  return policy.deadline !== undefined && Date.now() - state.startedAt + delay > policy.deadline;
}

/** The `delays` option's delay after lane attempt `attempt`: an array's last value repeats. */
function scheduledDelay(schedule: DelaySchedule, attempt: number, failure: unknown): number {
  if (typeof schedule !== 'function') return schedule[Math.min(attempt, schedule.length) - 1];
  const delay: unknown = schedule(attempt, failure);
  if (typeof delay !== 'number' || !(delay >= 0) || delay === Infinity) {
    throw new TypeError(
      `option "delays" returned ${describeValue(delay)} for attempt ${attempt}; it must return a finite number of milliseconds >= 0`,
    );
  }
  return delay;
}

function chooseLane(
  policy: RetryPolicy,
  outcome: Outcome,
  category: ErrorCategory | undefined,
  attempt: number,
): RetryLane | undefined {
  // A returned value only gets here when retryOnResult asked for a retry, which is a retry-lane
  // option; a call that is not idempotent retries it only when it was not processed (a 429).
  if (!outcome.failed || category === undefined) {
    const lane = policy.retryLane;
    const acceptsResult = lane?.acceptsResult;
    return acceptsResult === undefined || acceptsResult(outcomeValue(outcome)) ? lane : undefined;
  }
  const { error } = outcome;
  // Rate limits go to their own lane first; its cap is final even when the retry lane has room left.
  if (policy.rateLimitLane?.accepts(error, category, attempt)) return policy.rateLimitLane;
  if (policy.retryLane?.accepts(error, category, attempt)) return policy.retryLane;
  return undefined;
}
