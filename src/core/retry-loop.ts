import { isCallerAbort } from '../classify/caller-abort';
import type { ErrorCategory } from '../classify/error-category';
import type { RetryLane } from '../policy/retry-policy';
import {
  budgetExhaustedChannel,
  giveUpChannel,
  retryChannel,
  successChannel,
  type GiveUpReason,
} from '../telemetry/channels';
import {
  publishBudgetExhausted,
  publishGiveUp,
  publishRetry,
  publishSuccess,
} from '../telemetry/publish';
import { outcomeValue, type Outcome } from './outcome';
import type { CallRecord, PipelinePolicy } from './pipeline';
import {
  createRetryState,
  decideRetry,
  sleepCrossesDeadline,
  type RetryState,
} from './retry-decision';
import { isOutcomeRetried, keepAsCause, reportHookRejection } from './user-callback';

/**
 * The retry loop's rules, the only ones in tenacious: after an attempt failed, whether and when to
 * retry (classification, lanes and their caps, backoff, Retry-After, the deadline: retry-decision.ts),
 * then the policies' vetoes (a budget out of retries, a breaker that opened), `onRetry` before the
 * wait and `onGiveUp` when the call ends. The runners (call-with-retry.ts, stream-with-retry.ts)
 * drive it through `retryLoop`; `RetryContext` steps it by hand, one recorded failure at a time.
 * A refused attempt (a breaker open when a retry was about to start) ends the call with the last
 * real error, never with the policy's refusal.
 */
export class RetryLoop {
  readonly #call: CallRecord;
  readonly #state: RetryState;
  /** The last outcome that came from the method itself, not from a policy's refusal. */
  #lastReal: Outcome | undefined;
  #lane: RetryLane | undefined;
  #category: ErrorCategory | undefined;
  /** The call's hedged attempts already counted toward the lanes' caps. */
  #hedgesCounted = 0;
  /** Whether the policies granted a retry (a budget spent on it) that has not run yet. */
  #retryGranted = false;
  /** Whether `announceRetry` counted a retry (`stats()`) that has not run yet. */
  #retryAnnounced = false;

  constructor(call: CallRecord) {
    this.#call = call;
    this.#state = createRetryState(call.pipeline, call.startedAt);
  }

  /**
   * Decides on attempt `call.attempt`, which ended with `outcome` (a failure, or a result that
   * `retryOnResult` asked to retry): the delay before the next attempt, or undefined when the call
   * ends here, after `onGiveUp` was called (not for the caller's own abort). User code runs here
   * (classifiers, `retryOn`, `delays`, the hooks), so what it throws keeps the failure as its cause.
   */
  decide(outcome: Outcome): number | undefined {
    const { pipeline, attempt } = this.#call;
    if (outcome.failed && outcome.refused === true) {
      // Only a retry gets here: a refused first attempt ends the call before the loop starts.
      // The retry was counted when it was announced, but never ran.
      this.#refundRetry();
      this.#retryAnnounced = false;
      pipeline.statistics.retries -= 1;
      pipeline.statistics.vetoed += 1;
      this.#giveUp(this.#lane, this.#lastReal!, attempt - 1, 'refused');
      return undefined;
    }
    // A retry granted and announced before has run: this is its outcome.
    this.#retryGranted = false;
    this.#retryAnnounced = false;
    this.#lastReal = outcome;
    const failure = outcomeValue(outcome);
    // Hedged attempts (made within a step, beside the loop's) count toward every lane's cap.
    const hedges = this.#call.hedges - this.#hedgesCounted;
    if (hedges > 0) {
      this.#state.attemptsWithoutOutcome += hedges;
      this.#hedgesCounted += hedges;
    }
    try {
      const { lane, delay, category, stop } = decideRetry(pipeline, this.#state, outcome, attempt);
      this.#lane = lane;
      this.#category = category;
      if (stop !== undefined || delay === undefined) {
        this.#giveUp(lane, outcome, attempt, stop ?? 'exhausted');
        return undefined;
      }
      const veto = this.#veto(outcome, delay);
      if (veto !== undefined) {
        pipeline.statistics.vetoed += 1;
        if (veto.kind === 'budget' && budgetExhaustedChannel.hasSubscribers) {
          publishBudgetExhausted(this.#call, veto, category, failure, delay);
        }
        this.#giveUp(lane, outcome, attempt, veto.kind);
        return undefined;
      }
      return delay;
    } catch (thrown) {
      throw keepAsCause(thrown, failure);
    }
  }

  /**
   * Calls the lane's `onRetry` for the retry `decide` granted, just before its wait; then whether
   * the wait may start. Time spent since `decide` looked at the clock (onRetry, a RetryContext
   * caller's own work) counts: a sleep that would now cross the deadline is not started, and the
   * call gives up (`onGiveUp`) with the last real outcome.
   */
  announceRetry(delay: number): boolean {
    const lastReal = this.#lastReal!;
    const failure = outcomeValue(lastReal);
    const call = this.#call;
    call.pipeline.statistics.retries += 1;
    if (retryChannel.hasSubscribers) publishRetry(call, this.#lane, this.#category, failure, delay);
    try {
      reportHookRejection(this.#lane?.onRetry?.(failure, call.attempt, delay), 'onRetry');
    } catch (thrown) {
      // What onRetry threw ends the call: the retry will not run.
      call.pipeline.statistics.retries -= 1;
      this.#refundRetry();
      throw keepAsCause(thrown, failure);
    }
    if (!sleepCrossesDeadline(call.pipeline, this.#state, delay)) {
      this.#retryAnnounced = true;
      return true;
    }
    call.pipeline.statistics.retries -= 1; // announced, but it will not run
    this.#refundRetry();
    this.#giveUp(this.#lane, lastReal, call.attempt, 'exhausted');
    return false;
  }

  /**
   * The retry `announceRetry` let start its wait will not run (the caller aborted before it): it
   * is not counted as made, and the policies give back what they took for it.
   */
  abandonRetry(): void {
    if (this.#retryAnnounced) {
      this.#retryAnnounced = false;
      this.#call.pipeline.statistics.retries -= 1;
    }
    this.#refundRetry();
  }

  /**
   * For an attempt that ended without an outcome to decide on (a RetryContext iteration that
   * recorded no failure): whether another attempt may follow at once. Cap and deadline hold, and
   * the attempt counts toward the cap.
   */
  continueWithoutOutcome(): boolean {
    const { pipeline, attempt } = this.#call;
    const lane = pipeline.retryLane ?? pipeline.rateLimitLane;
    if (lane !== undefined && attempt >= lane.maxAttempts) return false;
    const { deadline } = pipeline;
    if (deadline !== undefined && Date.now() - this.#state.startedAt >= deadline) return false;
    this.#state.attemptsWithoutOutcome += 1;
    return true;
  }

  /** The call's end after `decide` gave up: the last real error thrown, or the retried result. */
  finalOutcome(): Outcome {
    return this.#lastReal!;
  }

  /**
   * Asks the policies, innermost first, whether one stops this retry: the one that does. The
   * policies that granted it before one stopped it give back what they took (a budget's retry).
   */
  #veto(outcome: Outcome, delay: number): PipelinePolicy | undefined {
    const call = this.#call;
    const { vetoRetry } = call.pipeline;
    for (let index = 0; index < vetoRetry.length; index++) {
      const policy = vetoRetry[index];
      if (!policy.vetoRetry!(call, outcome, delay)) continue;
      for (let granted = 0; granted < index; granted++) vetoRetry[granted].refundRetry?.(call);
      return policy;
    }
    this.#retryGranted = true;
    return undefined;
  }

  /** Gives back what the policies took for the granted retry, which will not run (once). */
  #refundRetry(): void {
    if (!this.#retryGranted) return;
    this.#retryGranted = false;
    const call = this.#call;
    for (const policy of call.pipeline.vetoRetry) policy.refundRetry?.(call);
  }

  #giveUp(
    lane: RetryLane | undefined,
    outcome: Outcome,
    attempts: number,
    reason: GiveUpReason,
  ): void {
    if (outcome.failed && isCallerAbort(outcome.error)) return; // nothing gave up: the caller left
    const failure = outcomeValue(outcome);
    const call = this.#call;
    if (!outcome.failed) call.gaveUpOnResult = true; // the call returns it, but did not succeed
    call.pipeline.statistics.giveUps += 1;
    if (giveUpChannel.hasSubscribers) {
      publishGiveUp(call, attempts, reason, this.#category, failure);
    }
    try {
      const onGiveUp = (lane ?? call.pipeline.retryLane ?? call.pipeline.rateLimitLane)?.onGiveUp;
      if (onGiveUp !== undefined) reportHookRejection(onGiveUp(failure, attempts), 'onGiveUp');
    } catch (thrown) {
      throw keepAsCause(thrown, failure);
    }
  }
}

/**
 * The retry loop as the runners drive it: it starts after the first attempt failed (the success
 * path never gets here), yields each delay, the runner sleeps (blocking or not) and makes the next
 * attempt, and hands back how it ended. The loop returns the final value or throws the last real
 * error itself, never a wrapper. A wait that fails (the caller's abort) is thrown into the loop
 * (`throw(reason)`), which gives the retry back and throws it on.
 */
export function* retryLoop(
  call: CallRecord,
  firstOutcome: Outcome,
  /** `retryOnResult` for calls; undefined for streams, whose values are never retried. */
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Generator<number, unknown, Outcome> {
  const loop = new RetryLoop(call);
  let outcome = firstOutcome;
  for (;;) {
    // Once the caller has aborted, the call rejects with the abort's reason, as a wait that the
    // abort stopped would; neither onRetry nor onGiveUp runs: nothing was retried, nothing gave up.
    const { signal } = call;
    if (signal?.aborted) throw signal.reason;
    const delay = loop.decide(outcome);
    if (delay === undefined) return settleWith(loop.finalOutcome());
    if (!loop.announceRetry(delay)) return settleWith(loop.finalOutcome());
    call.attempt += 1; // the runner makes the next attempt once the delay has passed
    try {
      outcome = yield delay;
    } catch (reason) {
      loop.abandonRetry();
      throw reason;
    }
    if (!outcome.failed && !isOutcomeRetried(outcome, retryOnResult)) {
      call.pipeline.statistics.recovered += 1;
      if (successChannel.hasSubscribers) publishSuccess(call);
      return outcome.value;
    }
  }
}

function settleWith(outcome: Outcome): unknown {
  if (outcome.failed) throw outcome.error;
  return outcome.value;
}
