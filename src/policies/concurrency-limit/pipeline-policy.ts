import { callSignal } from '../../core/abort-signal';
import { isPromiseLike, type MethodShape } from '../../core/call-with-retry';
import { markMisuse, vetoMisuse } from '../../core/misuse-error';
import type { Outcome } from '../../core/outcome';
import type { CallRecord, Pipeline, PipelinePolicy } from '../../core/pipeline';
import {
  preparedFromOptions,
  type PolicyRegistration,
  type PolicyScope,
} from '../../core/policy-registry';
import { mergeOwnKeys } from '../../policy/own-keys';
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
 */
export function concurrencyLimitPolicy(
  limiter: ConcurrencyLimiter,
  scope?: PolicyScope,
): PipelinePolicy {
  // A `withRetry` call answers with a promise whatever the function returns: it may always wait.
  return limiter.options.maxQueued > 0 && scope?.kind !== 'call'
    ? new QueueingConcurrencyLimitPolicy(limiter)
    : new ConcurrencyLimitPolicy(limiter);
}

/**
 * A class, so that one call site inlines every limiter's hooks (as the breaker's:
 * circuit-breaker/pipeline-policy.ts). Its first attempts run on the fast path
 * (pipeline.ts: `enterFirstAttempt`): a free slot is the ticket, given back when the call
 * succeeds; a call that finds none (to queue or refuse) takes the slow path, which has taken
 * nothing for it yet.
 */
class ConcurrencyLimitPolicy implements PipelinePolicy {
  readonly kind = 'concurrency-limit';
  readonly callStateSlots = 1;
  slot = 0;
  readonly #releaseSlot: <Value>(value: Value) => Value;

  constructor(readonly target: ConcurrencyLimiter) {
    this.#releaseSlot = (value) => {
      target.release();
      return value;
    };
  }

  admitCall(call: CallRecord): void | PromiseLike<void> {
    const limiter = this.target;
    const { slot } = this;
    if (limiter.tryAcquire()) {
      call.slots[slot] = true;
      return undefined;
    }
    if (!limiter.canQueue) {
      const error = limiter.refuse();
      publishRejection(call, limiter, error);
      throw error;
    }
    const signal = callSignal(call);
    return limiter
      .enqueue(signal, (error) => publishRejection(call, limiter, error))
      .then(() => {
        call.slots[slot] = true;
      });
  }

  settleCall(call: CallRecord): void {
    const { slot } = this;
    if (call.slots[slot] !== true) return;
    call.slots[slot] = false;
    this.target.release();
  }

  enterFirstAttempt(_pipeline: Pipeline, shape: MethodShape): number {
    return this.admitsFirstAttempt(shape) && this.target.tryAcquire() ? slotTicket : notAtOnce;
  }

  /** Whether the fast path may run a first attempt that takes a free slot. */
  admitsFirstAttempt(_shape: MethodShape): boolean {
    return true;
  }

  successReporter(): <Value>(value: Value) => Value {
    return this.#releaseSlot;
  }

  adoptTicket(call: CallRecord, ticket: number): void {
    if (ticket === slotTicket) call.slots[this.slot] = true;
  }
}

/**
 * With a queue (`maxQueued > 0`) the method must answer with a promise: a call that waits cannot
 * stay synchronous. Each attempt is checked (`wrapAttempt`), and one that returns a plain value
 * fails with a TypeError that says so, which is never retried (`vetoRetry`). The fast path takes
 * only an `async` method, which cannot answer otherwise; the slow path checks the others.
 */
class QueueingConcurrencyLimitPolicy extends ConcurrencyLimitPolicy {
  override admitsFirstAttempt(shape: MethodShape): boolean {
    return shape.asynchronousFunction;
  }

  wrapAttempt(call: CallRecord, run: () => unknown): unknown {
    const value = run();
    if (isPromiseLike(value)) return value;
    const error = markMisuse(
      new TypeError(
        `${describeCall(call)} returned a value that is not a promise, under a concurrency limit with a queue (maxQueued: ${this.target.options.maxQueued}): a synchronous call cannot wait for a slot; make the method async, or set maxQueued: 0 to fail fast instead`,
      ),
    );
    throw error;
  }

  vetoRetry(call: CallRecord, outcome: Outcome): boolean {
    return vetoMisuse(call, outcome, 0);
  }
}

function publishRejection(
  call: CallRecord,
  limiter: ConcurrencyLimiter,
  error: ConcurrencyLimitError,
): void {
  if (!concurrencyRejectedChannel.hasSubscribers) return;
  const { className, method } = call.pipeline.identity;
  concurrencyRejectedChannel.publish({ className, method, limiter, error });
}

const slotTicket = 1;
const notAtOnce = -1;

function describeCall(call: CallRecord): string {
  const { className, method } = call.pipeline.identity;
  return className === undefined ? `"${method}"` : `method "${className}.${method}"`;
}

export const concurrencyLimitRegistration: PolicyRegistration = {
  kind: 'concurrency-limit',
  guardsFirstAttempt: true,
  optionKey: 'concurrencyLimit',
  prepare(value, source) {
    if (isConcurrencyLimiter(value)) return value;
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(
        `${source} must be concurrency-limit options ({ maxConcurrent, maxQueued?, queueTimeout? }) or a ConcurrencyLimiter, got ${describeValue(value)}`,
      );
    }
    validateConcurrencyLimiterOptions(value, source); // names the option in `source`'s words
    const options = mergeOwnKeys<ConcurrencyLimiterOptions>(value);
    return preparedFromOptions(new ConcurrencyLimiter(options), options);
  },
  validateMerged: (options, source) => void validateConcurrencyLimiterOptions(options, source),
  create(setting, scope) {
    return setting === undefined
      ? undefined
      : concurrencyLimitPolicy(setting as ConcurrencyLimiter, scope);
  },
};
