import { callSignal } from '../../core/abort-signal';
import { isPromiseLike } from '../../core/call-with-retry';
import { markMisuse } from '../../core/misuse-error';
import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration } from '../../core/policy-registry';
import { concurrencyRejectedChannel } from '../../telemetry/channels';
import { ConcurrencyLimiter, isConcurrencyLimiter } from './concurrency-limiter';
import type { ConcurrencyLimitError } from './errors';
import { validateConcurrencyLimiterOptions, type ConcurrencyLimiterOptions } from './options';
import { describeValue } from '../../policy/describe-value';

/**
 * A concurrency limit in the pipeline, around the whole call: `admitCall` takes a slot (or waits
 * for one in the queue, or refuses the call), `settleCall` gives it back once the call has its
 * final outcome, so a call holds its slot across its retries and their waits. The call's slot
 * records whether it holds one, so that a call refused or aborted before it got one gives nothing
 * back.
 *
 * With a queue (`maxQueued > 0`) the method must answer with a promise: a call that waits cannot
 * stay synchronous. Each attempt is checked (`wrapAttempt`), and one that returns a plain value
 * fails with a TypeError that says so, which is never retried (`vetoRetry`).
 */
export function concurrencyLimitPolicy(limiter: ConcurrencyLimiter): PipelinePolicy {
  const publishRejection = (call: CallRecord, error: ConcurrencyLimitError): void => {
    if (!concurrencyRejectedChannel.hasSubscribers) return;
    const { className, method } = call.pipeline.identity;
    concurrencyRejectedChannel.publish({ className, method, limiter, error });
  };
  const policy: PipelinePolicy = {
    kind: 'concurrency-limit',
    target: limiter,
    callStateSlots: 2,
    admitCall(call) {
      const slot = policy.slot!;
      if (limiter.tryAcquire()) {
        call.slots[slot] = true;
        return undefined;
      }
      if (!limiter.canQueue) {
        const error = limiter.refuse();
        publishRejection(call, error);
        throw error;
      }
      const signal = callSignal(call);
      return limiter
        .enqueue(signal, (error) => publishRejection(call, error))
        .then(() => {
          call.slots[slot] = true;
        });
    },
    settleCall(call) {
      const slot = policy.slot!;
      if (call.slots[slot] !== true) return;
      call.slots[slot] = false;
      limiter.release();
    },
  };
  // The fast path's first attempt (pipeline.ts: `enterFirstAttempt`): a free slot is the ticket,
  // given back when the call succeeds; a call that finds none (to queue or refuse) takes the slow
  // path, which has taken nothing for it yet.
  const queues = limiter.options.maxQueued > 0;
  const releaseSlot = <Value>(value: Value): Value => {
    limiter.release();
    return value;
  };
  policy.enterFirstAttempt = (_pipeline, answersWithPromise) =>
    // Under a queue, a method not known to answer with a promise is checked by the slow path.
    (answersWithPromise || !queues) && limiter.tryAcquire() ? slotTicket : notAtOnce;
  policy.successReporter = () => releaseSlot;
  policy.adoptTicket = (call, ticket) => {
    if (ticket === slotTicket) call.slots[policy.slot!] = true;
  };
  if (queues) {
    policy.wrapAttempt = (call, run) => {
      const value = run();
      if (isPromiseLike(value)) return value;
      const error = markMisuse(
        new TypeError(
          `${describeCall(call)} returned a value that is not a promise, under a concurrency limit with a queue (maxQueued: ${limiter.options.maxQueued}): a synchronous call cannot wait for a slot; make the method async, or set maxQueued: 0 to fail fast instead`,
        ),
      );
      call.slots[policy.slot! + 1] = error;
      throw error;
    };
    policy.vetoRetry = (call, outcome) =>
      outcome.failed && outcome.error === call.slots[policy.slot! + 1];
  }
  return policy;
}

const slotTicket = 1;
const notAtOnce = -1;

function describeCall(call: CallRecord): string {
  const { className, method } = call.pipeline.identity;
  return className === undefined ? `"${method}"` : `method "${className}.${method}"`;
}

export const concurrencyLimitRegistration: PolicyRegistration = {
  kind: 'concurrency-limit',
  optionKey: 'concurrencyLimit',
  prepare(value, source) {
    if (isConcurrencyLimiter(value)) return value;
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(
        `${source} must be concurrency-limit options ({ maxConcurrent, maxQueued?, queueTimeout? }) or a ConcurrencyLimiter, got ${describeValue(value)}`,
      );
    }
    validateConcurrencyLimiterOptions(value, source); // names the option in `source`'s words
    return new ConcurrencyLimiter(value as ConcurrencyLimiterOptions);
  },
  create(setting) {
    return setting === undefined
      ? undefined
      : concurrencyLimitPolicy(setting as ConcurrencyLimiter);
  },
};
