import { ErrorCategory } from '../../classify/error-category';
import { isRateLimitError } from '../../classify/rate-limit';
import { callSignal } from '../../core/abort-signal';
import { isPromiseLike } from '../../core/call-with-retry';
import { functionKind } from '../../core/function-kind';
import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import {
  preparedFromOptions,
  type PolicyRegistration,
  type PolicyScope,
} from '../../core/policy-registry';
import { mergeOwnKeys } from '../../policy/own-keys';
import { sleep } from '../../core/sleep';
import { describeValue } from '../../policy/describe-value';
import { rateLimitedChannel } from '../../telemetry/channels';
import { publishRateLimited } from '../../telemetry/publish';
import { countAttemptNotStarted } from '../../telemetry/statistics';
import { now } from '../clock';
import { RateLimitExceededError } from './errors';
import { validateRateLimiterOptions, type RateLimiterOptions } from './options';
import { isRateLimiter, RateLimiter, type RateLimitGrant } from './rate-limiter';

/**
 * A rate limiter in the pipeline: every attempt (retries and hedges included) asks it for its
 * turn, after the breaker let it through and before a timeout starts (DESIGN 1b). The call's
 * `cost` is asked once, at its first attempt, and kept in the call's first slot; the running
 * attempt's wait is in the second; the third marks a first attempt the fast path was granted; the
 * fourth, when the attempt waited for its turn, when it was granted (the adaptive rate's date); the
 * fifth, when it waits, what its grant took (`lastGrant`), which an abort gives back.
 * An attempt whose turn is now runs at once; one whose turn is within `maxWait` (and the call's
 * `deadline`) waits for it in `wrapAttempt`, and an abort of the call's signal ends the wait,
 * giving its units back; any other is refused (`admitAttempt`):
 * a first attempt fails with `RateLimitExceededError`, a retry ends the call with its last real
 * error, as for an open circuit.
 *
 * A synchronous method cannot wait: it runs when its turn is now and is refused otherwise. Until
 * a plain (not `async`) method has returned a promise once, it is taken for a synchronous one.
 */
export function rateLimiterPolicy(limiter: RateLimiter, scope: PolicyScope): PipelinePolicy {
  const { cost: costOf, maxWait, limit, adaptive } = limiter.options;
  // `withRetry` answers with a promise whatever the function returns.
  let answersWithPromise = scope.kind === 'call';
  const policy: PipelinePolicy = {
    kind: 'rate-limiter',
    target: limiter,
    callStateSlots: 5,
    measuresAttempts: adaptive,
    admitAttempt(call) {
      const slot = policy.slot!;
      if (call.slots[slot + 2] === true) {
        // Granted by `enterFirstAttempt`, with its wait: the fast path handed the call over.
        call.slots[slot + 2] = false;
        return true;
      }
      // A hedge's record is a copy of its step's: the first attempt's grant time is not its own.
      if (adaptive) call.slots[slot + 3] = undefined;
      let cost = call.slots[slot] as number | undefined;
      if (cost === undefined) {
        cost = costOf === undefined ? 1 : costOfCall(costOf, call.args, limit);
        call.slots[slot] = cost;
      }
      const clock = now();
      answersWithPromise ||= isAsynchronousFunction(call.target);
      const allowed = answersWithPromise ? allowedWait(call, maxWait, clock) : 0;
      const wait = limiter.tryAcquire(cost, allowed, clock);
      call.slots[slot + 1] = wait;
      call.slots[slot + 4] = wait > 0 && wait <= allowed ? limiter.lastGrant : undefined;
      return wait <= allowed;
    },
    refusal(call) {
      const wait = call.slots[policy.slot! + 1] as number;
      const error = new RateLimitExceededError(
        wait,
        answersWithPromise
          ? undefined
          : `rate limit exceeded: the attempt's turn is ${Math.ceil(wait)} ms away, and a synchronous method cannot wait for it`,
      );
      if (rateLimitedChannel.hasSubscribers) publishRateLimited(call, limiter, error);
      return error;
    },
    wrapAttempt(call, run) {
      const slot = policy.slot!;
      const wait = call.slots[slot + 1] as number;
      if (wait === 0) {
        const result = run();
        if (!answersWithPromise && isPromiseLike(result)) answersWithPromise = true;
        return result;
      }
      return waitForTurn(limiter, call, call.slots[slot] as number, wait, slot).then(run);
    },
  };
  if (costOf === undefined) {
    // The fast path's first attempt (pipeline.ts: `enterFirstAttempt`): one unit, asked for as
    // `admitAttempt` asks. A turn that is now is a ticket (with `adaptive`, the attempt's start
    // time + 1, which a throttle is measured from); a refusal, or a turn to wait for, goes on in
    // the slow path, which `adoptTicket` tells what was decided: the wait, kept here meanwhile
    // (nothing runs between the two calls).
    let decidedWait = 0;
    policy.enterFirstAttempt = (pipeline, shape) => {
      const clock = now();
      answersWithPromise ||= shape.answersWithPromise;
      const { deadline } = pipeline;
      const allowed = !answersWithPromise
        ? 0
        : deadline === undefined
          ? maxWait
          : Math.min(maxWait, deadline);
      const wait = limiter.tryAcquire(1, allowed, clock);
      if (wait === 0) return adaptive ? Math.max(clock, 0) + 1 : 1;
      decidedWait = wait;
      return wait <= allowed ? grantedWithWait : 0;
    };
    policy.successReporter = () => passValue;
    policy.adoptTicket = (call, ticket, shape) => {
      // A first attempt that rejected answered with a promise: its retries may wait.
      answersWithPromise ||= shape.answersWithPromise;
      const slot = policy.slot!;
      call.slots[slot] = 1;
      call.slots[slot + 1] = ticket > 0 ? 0 : decidedWait;
      if (ticket > 0 && adaptive) call.attemptStartedAt = ticket - 1;
      if (ticket === grantedWithWait) {
        call.slots[slot + 2] = true;
        // The grant `enterFirstAttempt` has just made: nothing runs between the two calls.
        call.slots[slot + 4] = limiter.lastGrant;
      }
    };
  }
  if (adaptive) {
    policy.attemptEnded = (call, outcome) => {
      const grantedAtSlot = policy.slot! + 3;
      const grantedAt = call.slots[grantedAtSlot] as number | undefined;
      call.slots[grantedAtSlot] = undefined; // the next attempt may not wait
      if (!outcome.failed || outcome.refused === true) return;
      if (isThrottling(call, outcome.error)) {
        limiter.recordThrottle(now(), grantedAt ?? call.attemptStartedAt);
      }
    };
  }
  return policy;
}

const grantedWithWait = -1;
const passValue = <Value>(value: Value): Value => value;

/** How long an attempt may wait: `maxWait`, and no later than the call's deadline. */
function allowedWait(call: CallRecord, maxWait: number, clock: number): number {
  const { deadline } = call.pipeline;
  if (deadline === undefined) return maxWait;
  return Math.max(0, Math.min(maxWait, deadline - (clock - call.startedAt)));
}

/**
 * Sleeps until the attempt's turn (whole milliseconds, never early). The attempt's own signal, when
 * it has one (a hedge that lost, a caller's abort), else the call's, ends the sleep at once, clears
 * its timer and gives the units back, so an attempt stopped while it waited never runs. Once the
 * turn has come, the attempt's start (`call.attemptStartedAt`, where a policy measures it) is now.
 */
async function waitForTurn(
  limiter: RateLimiter,
  call: CallRecord,
  cost: number,
  wait: number,
  slot: number,
): Promise<void> {
  // Read now: a hedge started while this attempt waits moves `call.attempt` on.
  const attemptNumber = call.attempt;
  try {
    // An attempt's own signal when it has one (a lost hedge stops waiting), else the call's.
    await sleep(Math.ceil(wait), call.attemptScope?.controller.signal ?? callSignal(call));
  } catch (error) {
    // What the grant took: the rate may have changed while the attempt waited (`adaptive`).
    limiter.release(cost, now(), call.slots[slot + 4] as RateLimitGrant | undefined);
    countAttemptNotStarted(call, attemptNumber);
    throw error;
  }
  if (call.pipeline.measuresAttempts) {
    // The attempt starts now: the wait for its turn is not the dependency's latency (a breaker's
    // slow calls). The adaptive rate still dates it from its grant (`grantedAt`): it was paced
    // at the rate in force then, so a throttle a decrease since then answers is not heard again.
    call.slots[slot + 3] = call.attemptStartedAt;
    call.attemptStartedAt = Date.now();
  }
}

function isAsynchronousFunction(target: Function): boolean {
  const kind = functionKind(target);
  return kind === 'async' || kind === 'stream';
}

/** The call's weight by the `cost` option (user code: what it throws ends the call). */
function costOfCall(
  costOf: (args: readonly unknown[]) => number,
  args: readonly unknown[],
  limit: number,
): number {
  const cost: unknown = costOf(args);
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
    throw new TypeError(
      `RateLimiter option "cost" returned ${describeValue(cost)}; it must return a finite number >= 0`,
    );
  }
  if (cost > limit) {
    throw new RangeError(
      `RateLimiter option "cost" returned ${cost}, more than "limit" (${limit} units per interval): the call could never pass`,
    );
  }
  return cost;
}

/**
 * Whether the dependency throttled the attempt: a rate-limit error as the method's rate-limit lane
 * sees them (`isRateLimitError`, plus its `rateLimitErrors`). A limiter's own refusal is not one:
 * nothing reached the dependency.
 */
function isThrottling(call: CallRecord, error: unknown): boolean {
  if (error instanceof RateLimitExceededError) return false;
  const lane = call.pipeline.rateLimitLane;
  // The rate-limit lane's test does not look at the category.
  return lane === undefined
    ? isRateLimitError(error)
    : lane.accepts(error, ErrorCategory.RETRYABLE, call.attempt);
}

export const rateLimiterRegistration: PolicyRegistration = {
  kind: 'rate-limiter',
  guardsFirstAttempt: true,
  optionKey: 'rateLimiter',
  prepare(value, source) {
    if (isRateLimiter(value)) return value;
    validateRateLimiterOptions(value, source); // names the option in `source`'s words
    const options = mergeOwnKeys<RateLimiterOptions>(value as object);
    return preparedFromOptions(new RateLimiter(options), options);
  },
  validateMerged: (options, source) => void validateRateLimiterOptions(options, source),
  create(setting, scope) {
    return setting === undefined ? undefined : rateLimiterPolicy(setting as RateLimiter, scope);
  },
};
