import { isCallerAbort } from '../classify/caller-abort';
import type { RetryPolicy } from '../policy/retry-policy';
import { outcomeValue, type Outcome } from './outcome';
import {
  createRetryState,
  decideRetry,
  sleepCrossesDeadline,
  type RetryState,
} from './retry-decision';
import { isResultRetried, keepAsCause } from './user-callback';

/**
 * The retry loop: the only one in tenacious. It starts after the first attempt failed (the success
 * path never gets here) and is written once, as a generator, so the synchronous, asynchronous and
 * streaming runners can share it: it yields each delay, the runner sleeps (blocking or not) and
 * makes the next attempt, and hands back how it ended. The loop returns the final value or throws
 * the last error itself, never a wrapper.
 *
 * Later policies (a retry budget, a circuit breaker, event publishing) belong here as steps of
 * this loop.
 */
export function* retryLoop(
  policy: RetryPolicy,
  firstOutcome: Outcome,
  startedAt: number,
  /** `policy.retryOnResult` for calls; undefined for streams, whose values are never retried. */
  retryOnResult: ((result: unknown) => boolean) | undefined,
  signal: AbortSignal | undefined,
): Generator<number, unknown, Outcome> {
  const state = createRetryState(policy, startedAt);
  let outcome = firstOutcome;
  for (let attempt = 1; ; attempt++) {
    // Once the caller has aborted, the call rejects with the abort's reason, as a wait that the
    // abort stopped would; neither onRetry nor onGiveUp runs: nothing was retried, nothing gave up.
    if (signal?.aborted) throw signal.reason;
    const delay = decideAndNotify(policy, state, outcome, attempt);
    if (delay === undefined) return settleWith(outcome);
    outcome = yield delay;
    if (!outcome.failed && !(retryOnResult && isResultRetried(retryOnResult, outcome.value))) {
      return outcome.value;
    }
  }
}

/**
 * Decides on one failed attempt and calls the lane's onRetry or onGiveUp; the delay, or undefined
 * to give up. User code runs here (classifiers, `retryOn`, the hooks), so what it throws keeps the
 * failure as its cause.
 */
function decideAndNotify(
  policy: RetryPolicy,
  state: RetryState,
  outcome: Outcome,
  attempt: number,
): number | undefined {
  const failure = outcomeValue(outcome);
  try {
    const { lane, delay } = decideRetry(policy, state, outcome, attempt);
    if (lane === undefined || delay === undefined) {
      if (!(outcome.failed && isCallerAbort(outcome.error))) lane?.onGiveUp?.(failure, attempt);
      return undefined;
    }
    lane.onRetry?.(failure, attempt, delay);
    // onRetry may have taken a while: a sleep that would now cross the deadline is not started.
    if (sleepCrossesDeadline(policy, state, delay)) {
      lane.onGiveUp?.(failure, attempt);
      return undefined;
    }
    return delay;
  } catch (thrown) {
    throw keepAsCause(thrown, failure);
  }
}

function settleWith(outcome: Outcome): unknown {
  if (outcome.failed) throw outcome.error;
  return outcome.value;
}
