import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration, PolicyScope } from '../../core/policy-registry';
import { describeValue } from '../../policy/describe-value';
import { isRetryBudget, RetryBudget, type RetryGrantOrigin } from './retry-budget';

/**
 * The retry budget in the pipeline: each call counts as a first attempt (`countCall`, which keeps
 * the pipeline lean: no per-call record), and the retry loop asks it before every retry the lanes
 * granted (`vetoRetry`): a refused retry ends the call with its last real error, after `onGiveUp`.
 * A granted retry that then does not run (its attempt refused, the deadline) is given back
 * (`refundRetry`).
 */
export function retryBudgetPolicy(budget: RetryBudget): PipelinePolicy {
  return new RetryBudgetPolicy(budget);
}

/**
 * A class, not an object of closures: `countCall` runs on every call's fast path, and as one
 * method of one prototype it is the same function for every budget, which V8 inlines wherever
 * the wrapper is inlined, also at a call site that sees many classes (and so many budgets).
 */
class RetryBudgetPolicy implements PipelinePolicy {
  readonly kind = 'budget';
  // For a budget that counts in more than one place (a fleet's): where the call's pending retry,
  // then its pending hedge, was granted, so that a refund goes there whatever was granted since.
  // None for a local budget: a call then needs no per-call state for it.
  readonly callStateSlots: number | undefined;
  slot = 0;

  constructor(readonly target: RetryBudget) {
    this.callStateSlots = target.lastGrantOrigin === undefined ? undefined : 2;
  }

  countCall(): void {
    this.target.recordCall();
  }

  vetoRetry(call: CallRecord): boolean {
    if (!this.target.tryRetry()) return true;
    if (this.callStateSlots !== undefined) call.slots[this.slot] = this.target.lastGrantOrigin;
    return false;
  }

  // The retry was granted but never reached the dependency: it costs nothing.
  refundRetry(call: CallRecord): void {
    this.target.refundRetry(this.#grantOrigin(call, 0));
  }

  // A hedged attempt is paid like a retry (DESIGN 1b).
  admitHedge(call: CallRecord): boolean {
    if (!this.target.tryRetry()) return false;
    if (this.callStateSlots !== undefined) call.slots[this.slot + 1] = this.target.lastGrantOrigin;
    return true;
  }

  // The hedge's attempt was refused (breaker, rate limiter): it was not made, and costs nothing.
  refundHedge(call: CallRecord): void {
    this.target.refundRetry(this.#grantOrigin(call, 1));
  }

  #grantOrigin(call: CallRecord, offset: number): RetryGrantOrigin | undefined {
    if (this.callStateSlots === undefined) return undefined;
    return call.slots[this.slot + offset] as RetryGrantOrigin | undefined;
  }
}

/** The default budgets of decorated classes: one per class, shared by its methods and instances. */
const budgetByClass = new WeakMap<object, RetryBudget>();

/**
 * The budget when none is named: one per decorated class (the class the method is called
 * through), one per `retryable` function (and per ResilientBedrock); none for a `withRetry` call
 * or a RetryContext, which have no lasting identity to share one with.
 */
function defaultBudget(scope: PolicyScope): RetryBudget | undefined {
  if (scope.kind === 'function') return new RetryBudget();
  if (scope.kind !== 'method' || scope.owner === undefined) return undefined;
  let budget = budgetByClass.get(scope.owner);
  if (budget === undefined) {
    budget = new RetryBudget();
    budgetByClass.set(scope.owner, budget);
  }
  return budget;
}

export const retryBudgetRegistration: PolicyRegistration = {
  kind: 'budget',
  optionKey: 'budget',
  prepare(value, source) {
    if (value === false || isRetryBudget(value)) return value;
    throw new TypeError(`${source} must be a RetryBudget or false, got ${describeValue(value)}`);
  },
  create(setting, scope) {
    if (setting === false) return undefined;
    const budget = setting === undefined ? defaultBudget(scope) : (setting as RetryBudget);
    return budget && retryBudgetPolicy(budget);
  },
};
