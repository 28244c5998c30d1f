import type { RetryPolicy } from '../policy/retry-policy';
import type { MethodShape } from './call-with-retry';
import type { AttemptScope } from './attempt-context';
import type { CallIdentity } from '../telemetry/channels';
import { CallStatistics } from '../telemetry/statistics';
import type { Outcome } from './outcome';
import { keepAsCause, reportHookRejection } from './user-callback';

/** A function as the runners call it: `this` and the arguments are passed through untouched. */
export type RetriedFunction = (this: unknown, ...args: never[]) => unknown;

/**
 * The per-call record: everything the slow path (a failed attempt, a policy with per-call state)
 * knows about one call. Made once per call, and only where it is needed: a call through a lean
 * pipeline makes one only after its first attempt failed (fast-path/README.md).
 */
export interface CallRecord {
  readonly pipeline: Pipeline;
  readonly target: RetriedFunction;
  readonly thisArg: unknown;
  readonly args: readonly unknown[];
  /** `Date.now()` when the call started, when the pipeline has a deadline; otherwise 0. */
  readonly startedAt: number;
  /** The attempt running, or the one that just ended, counting from 1. */
  attempt: number;
  /** `Date.now()` when the running attempt started, when a policy measures attempts; otherwise 0. */
  attemptStartedAt: number;
  /** The call's abort signal, looked up once it is needed (abort-signal.ts: `callSignalAfter`). */
  signal: AbortSignal | undefined;
  /**
   * Hedged attempts made so far (`@Hedge`): attempts beside the retry loop's own, which count
   * toward the lanes' `maxAttempts` as the loop's do.
   */
  hedges: number;
  /** Whether `signal` was looked up already (at the first attempt, for an attempt context). */
  signalResolved: boolean;
  /**
   * Whether the retry loop gave up on a returned value (`retryOnResult` kept asking for retries):
   * the call ends with that value, but it failed for good, so `onSuccess` is not told.
   */
  gaveUpOnResult: boolean;
  /**
   * The running attempt's scope (its AbortController, what `currentAttempt()` returns), when the
   * pipeline has an attempt context (`Pipeline.attemptContext`); undefined otherwise.
   */
  attemptScope: AttemptScope | undefined;
  /** Whether this is a hedged attempt's record (`deriveAttemptRecord`), not the call's own. */
  readonly hedge: boolean;
  /** One slot per policy that keeps per-call state (a breaker's key and ticket), by `slot`. */
  readonly slots: unknown[];
  /**
   * What stops the call besides its caller's signal (a stream whose consumer closed it before its
   * first value, stream-with-retry.ts); undefined for any other call.
   */
  readonly stop: CallStop | undefined;
}

/** A stop of the call's own, which `signal` carries along with the caller's abort. */
export interface CallStop {
  /**
   * The call's signal: aborted by the stop, or by `callerSignal` with its reason; `callerSignal`
   * itself once the stop can no longer come.
   */
  link(callerSignal: AbortSignal | undefined): AbortSignal | undefined;
}

/** How a first attempt that answers the call (`wrapFirstAttempt`) ends it. */
export interface FirstAttemptAnswer {
  /** The attempt succeeded: releases its scope, and returns the call's value. */
  succeeded(call: CallRecord, value: unknown): unknown;
  /** The attempt failed: releases its scope, and returns the call's answer (the retries'). */
  failed(call: CallRecord, error: unknown): unknown;
}

/**
 * What a policy can do to a call. Every hook is optional, and the pipeline gathers each hook into
 * its own list when it is compiled, so an absent hook costs nothing: no call, no check per policy.
 * The order of DESIGN 1b (`@Fallback` → `@ConcurrencyLimit` → retry loop (lanes, budget, `@Hedge`)
 * → per attempt: `@CircuitBreaker` → `@RateLimit` → `@Timeout` → the method) is the order of
 * `policyOrder`, whatever the order the decorators were written in.
 *
 * Call-level hooks:
 * - `countCall()` counts a call and keeps no state for it (a retry budget's first attempts,
 *   counters for `stats`). The only hook that leaves a pipeline lean: it runs on the fast path.
 *   It counts admitted calls only: a call that `admitCall` refused, or whose first attempt
 *   `admitAttempt` refused, never reached the dependency and earns no retries.
 * - `admitCall(call)` runs before the first attempt; it throws to refuse the call, or returns a
 *   promise to make the call wait for admission (a concurrency limit's queue).
 * - `settleCall(call, outcome)` runs once when the call has its final outcome, success or not
 *   (a concurrency slot is released, `onSuccess` is told), also for a call that `admitCall`
 *   refused (`outcome.refused`): a policy gives back only what it took for the call.
 *
 * Attempt-level hooks, around every attempt (retries and hedges included), outermost first:
 * - `admitAttempt(call)` returns false to refuse the attempt (an open breaker). A refused first
 *   attempt ends the call with `refusal(call)`; a refused retry ends it with the last real error.
 * - `wrapAttempt(call, run)` runs the attempt itself, and may wrap it (a timeout races it and
 *   aborts the attempt's signal); it returns what `run()` returns, or a promise of it. It may also
 *   return a promise that calls `run()` later: a rate limiter waits there for the attempt's turn,
 *   which `admitAttempt` granted (it never does so for a method not known to answer with a
 *   promise, as that would turn a synchronous method's result into a promise). A wrapper that
 *   fails before `run()` (the call's abort ended the wait) makes the attempt fail with that error.
 * - `attemptEnded(call, outcome)` sees each attempt's outcome (a breaker counts it).
 *
 * - `recover(call, error)` is offered the call's final failure, after the settle hooks, innermost
 *   policy first (a fallback): it returns `{ value }` to answer the call with `value` instead (a
 *   promise of it for a call that answers with a promise), or undefined to let the failure stand;
 *   what it throws is the call's error. It runs wherever the slow path produces a final failure,
 *   sync and async, a refused call's included; never in the retry loop, which it does not change.
 * - `providesAttemptContext`: every attempt gets its own scope (`call.attemptScope`): an
 *   AbortController linked to the call's signal, and `currentAttempt()` inside the method
 *   (attempt-context.ts). Set by a timeout, a hedge, `attemptContext: true`.
 * - `stepAttempt(call, runOne)` (one policy at most: a hedge) runs one step of the retry loop in
 *   place of a single attempt: `runOne(record)` runs one attempt through the attempt-level hooks
 *   above, and the step may run several side by side, each on its own record
 *   (`deriveAttemptRecord`), so that no per-attempt state (a breaker's ticket in `slots`) is
 *   shared. The step's outcome is what the retry loop decides on. `stepFirstAttempt` (below) is
 *   the same for a call's first step where nothing else sees attempts.
 * - `admitHedge(call)` is asked before a hedged attempt starts; false refuses it (a budget out
 *   of retries: hedges are paid from the retry budget). `refundHedge(call)` gives back what
 *   `admitHedge` took when the hedge's attempt was then refused (an open breaker, a rate limit).
 *
 * Retry-level hook, asked by the retry loop (the only place that decides on retries):
 * - `vetoRetry(call, outcome, delay)` is asked, innermost policy first, before a retry the lanes
 *   granted; true stops the call: it ends with the last real error, and `onGiveUp` is called.
 *   Innermost first, so a budget spends a retry only on one that no breaker stops.
 * - `refundRetry(call)` gives back what `vetoRetry` took for a retry that then did not reach the
 *   dependency: a policy outside vetoed it, its attempt was refused (an open breaker, a rate
 *   limit), or the deadline stopped it after `onRetry`.
 */
export interface PipelinePolicy {
  /** For error messages and telemetry: 'budget', 'circuit-breaker', ... */
  readonly kind: PolicyKind;
  /** The shared object the policy applies (a `RetryBudget`, a `Breaker`), named by telemetry. */
  readonly target?: object;
  countCall?(): void;
  admitCall?(call: CallRecord): void | PromiseLike<void>;
  admitAttempt?(call: CallRecord): boolean;
  /** The error a refused first attempt fails with. Required with `admitAttempt`. */
  refusal?(call: CallRecord): unknown;
  wrapAttempt?(call: CallRecord, run: () => unknown): unknown;
  /**
   * `wrapAttempt` for a call's first attempt where this policy is the only wrapper and nothing
   * else sees attempts (`scopedAttemptsOnly`, no hedge): the promise it returns answers the call,
   * settled through `answer` once the attempt has (a time limit's race: no promise of its own
   * after it, but for an attempt that is not a native promise). What it throws is the attempt's
   * failure, as for `wrapAttempt`.
   */
  wrapFirstAttempt?(call: CallRecord, run: () => unknown, answer: FirstAttemptAnswer): unknown;
  attemptEnded?(call: CallRecord, outcome: Outcome): void;
  vetoRetry?(call: CallRecord, outcome: Outcome, delay: number): boolean;
  refundRetry?(call: CallRecord): void;
  readonly providesAttemptContext?: boolean;
  stepAttempt?(
    call: CallRecord,
    runOne: (record: CallRecord) => Outcome | Promise<Outcome>,
  ): Outcome | Promise<Outcome>;
  /**
   * `stepAttempt` for a call's first step, when the pipeline's other per-call policies only scope
   * and wrap attempts (`scopedAttemptsOnly`). `startAttempt(record)` starts one attempt in its
   * scope and returns its promise (the method's, or its time limit's race), or the attempt's
   * outcome when it ended at once. The step answers the call itself: with the winning attempt's
   * value, or, when every attempt failed, with `continueAfterFailure(call, outcome)`, the retry
   * loop's answer. Returns the first attempt's outcome when it ended at once. No promise of an
   * outcome per attempt, nor of the step's outcome: the general path makes both.
   */
  stepFirstAttempt?(
    call: CallRecord,
    startAttempt: (record: CallRecord) => Outcome | Promise<unknown>,
    continueAfterFailure: (call: CallRecord, outcome: Outcome) => unknown,
  ): Outcome | Promise<unknown>;
  admitHedge?(call: CallRecord): boolean;
  refundHedge?(call: CallRecord): void;
  settleCall?(call: CallRecord, outcome: Outcome): void;
  recover?(call: CallRecord, error: unknown): { readonly value: unknown } | undefined;
  /**
   * A first attempt without a per-call record (fast-path/README.md), for a policy that decides a
   * call's admission with nothing but a number, its ticket: a breaker without `key`, a concurrency
   * limit, a rate limit without `cost`. Used only when it is the pipeline's one policy with
   * per-call hooks. `enterFirstAttempt(pipeline, shape)` (what is known of how the method
   * answers: call-with-retry.ts) returns:
   * - a ticket > 0: admitted, and the fast path runs the attempt at once. `successReporter(ticket)`
   *   returns a function that reports a success and returns the value it is given (made once per
   *   ticket, not per call, so that an async success allocates nothing of its own);
   * - 0: refused (the policy counted the refusal); `refusal(call)` is the call's error;
   * - below 0: not at once (a wait for a slot or a turn): the slow path takes the call from its
   *   admission on.
   * Whenever the slow path takes the call over (the attempt failed, or a ticket of 0 or below), it
   * makes the record and first hands the ticket to `adoptTicket(call, ticket)`, so that the
   * policy's hooks go on from what `enterFirstAttempt` took. All three or none.
   */
  enterFirstAttempt?(pipeline: Pipeline, shape: MethodShape): number;
  successReporter?(ticket: number): <Value>(value: Value) => Value;
  adoptTicket?(call: CallRecord, ticket: number, shape: MethodShape): void;
  /** Whether `attemptEnded` wants `call.attemptStartedAt` (a clock read per attempt). */
  readonly measuresAttempts?: boolean;
  /**
   * How many values of per-call state this policy keeps (a breaker: its key and its ticket), in
   * `call.slots[slot]` onwards; the pipeline assigns `slot`. A policy object serves one pipeline.
   */
  readonly callStateSlots?: number;
  slot?: number;
}

/** The policy kinds in the fixed order of DESIGN 1b; a new kind takes its place here. */
export const policyOrder = [
  'fallback',
  'concurrency-limit',
  'success-callback',
  'budget',
  'hedge',
  'circuit-breaker',
  'rate-limiter',
  'timeout',
  'attempt-context',
] as const;

export type PolicyKind = (typeof policyOrder)[number];

/**
 * One method's policies, compiled once per method and runtime class: the retry lanes (the
 * `RetryPolicy` it extends) and the other policies' hooks, each hook gathered into its own list.
 * `guarded` is false for a lean pipeline, whose calls take the fast path (fast-path/README.md).
 */
export interface Pipeline extends RetryPolicy {
  /** The class and method (or function) telemetry names; fixed when the pipeline is compiled. */
  readonly identity: CallIdentity;
  /** The counters `stats()` reads, shared by every pipeline of one method or function. */
  readonly statistics: CallStatistics;
  /** The policies, in `policyOrder`. */
  readonly policies: readonly PipelinePolicy[];
  /**
   * Whether any policy needs a per-call record from the call's start: any hook but `countCall`,
   * `vetoRetry` and `recover` (a fallback, which a lean call's slow path offers its final failure;
   * with `retryOnResult`, whose first answer the fast path asks for, a fallback too).
   */
  readonly guarded: boolean;
  /**
   * Set when the pipeline's only per-call hooks (but `recover`) are those of one policy that can
   * run a first attempt without a record (`enterFirstAttempt`), and no `retryOnResult`: the fast
   * path then runs the first attempt itself (fast-path/README.md).
   */
  readonly firstAttemptGuard: PipelinePolicy | undefined;
  /**
   * The policy that counts calls (`countCall`), one standing for all when several do, or undefined
   * when none does. The fast path counts `statistics.calls` itself (`countFastCall`), so a
   * pipeline without a counting policy calls nothing to count, and one with a budget calls the
   * budget policy's own method (one function for every budget: V8 inlines it).
   */
  readonly callCounter: PipelinePolicy | undefined;
  /** Which of the fast path's first attempts a call takes (fast-path/README.md). */
  readonly firstAttempt: FirstAttempt;
  /**
   * Set when the only per-call policies give each attempt its scope, wrap it or hedge it
   * (`@Timeout`, `@Hedge`, `attemptContext: true`): nothing to admit, see or settle, so the first
   * attempt answers the call from its own reaction (call-with-retry.ts: `scopedFirstAttempt`,
   * `hedgedFirstAttempt`).
   */
  readonly scopedAttemptsOnly: boolean;
  readonly admitCall: readonly PipelinePolicy[];
  readonly admitAttempt: readonly PipelinePolicy[];
  readonly wrapAttempt: readonly PipelinePolicy[];
  readonly attemptEnded: readonly PipelinePolicy[];
  /** Innermost first. */
  readonly vetoRetry: readonly PipelinePolicy[];
  readonly settleCall: readonly PipelinePolicy[];
  /** Innermost first. */
  readonly recover: readonly PipelinePolicy[];
  readonly measuresAttempts: boolean;
  readonly slotCount: number;
  /** Whether each attempt runs in its own scope (`PipelinePolicy.providesAttemptContext`). */
  readonly attemptContext: boolean;
  /** The policy whose `stepAttempt` runs each step of the retry loop (a hedge), if any. */
  readonly attemptStep: PipelinePolicy | undefined;
  readonly admitHedge: readonly PipelinePolicy[];
}

const noPolicies: readonly PipelinePolicy[] = [];

/**
 * How a call's first attempt runs (fast-path/retrying-function.ts): `plain`, with nothing but call
 * counters before it (no per-call hook, no `retryOnResult`, no deadline); `ticketed`, through a
 * `firstAttemptGuard` and nothing else (no deadline); `general`, anything else.
 */
export const firstAttemptKinds = { plain: 0, ticketed: 1, general: 2 } as const;
export type FirstAttempt = (typeof firstAttemptKinds)[keyof typeof firstAttemptKinds];

/** What telemetry knows of a pipeline: whose it is, and where its counters are kept. */
export interface PipelineTelemetry {
  readonly identity: CallIdentity;
  readonly statistics: CallStatistics;
}

const anonymousIdentity: CallIdentity = { className: undefined, method: 'anonymous' };

/** Compiles the lanes and the policies into one pipeline; `policies` may be in any order. */
export function compilePipeline(
  retryPolicy: RetryPolicy,
  policies: readonly PipelinePolicy[] = noPolicies,
  telemetry: PipelineTelemetry = {
    identity: anonymousIdentity,
    statistics: new CallStatistics(),
  },
): Pipeline {
  const withCallbacks =
    retryPolicy.onSuccess === undefined
      ? policies
      : [...policies, successCallback(retryPolicy.onSuccess)];
  const ordered = [...withCallbacks].sort(
    (left, right) => policyOrder.indexOf(left.kind) - policyOrder.indexOf(right.kind),
  );
  let slotCount = 0;
  for (const policy of ordered) {
    if (policy.callStateSlots === undefined) continue;
    policy.slot = slotCount;
    slotCount += policy.callStateSlots;
  }
  const withHook = (hook: keyof PipelinePolicy): readonly PipelinePolicy[] => {
    const found = ordered.filter((policy) => typeof policy[hook] === 'function');
    return found.length === 0 ? noPolicies : found;
  };
  const counters = withHook('countCall');
  const admitCall = withHook('admitCall');
  const admitAttempt = withHook('admitAttempt');
  const wrapAttempt = withHook('wrapAttempt');
  const attemptEnded = withHook('attemptEnded');
  const settleCall = withHook('settleCall');
  const recover = withHook('recover');
  const measuresAttempts = ordered.some((policy) => policy.measuresAttempts === true);
  const attemptContext = ordered.some((policy) => policy.providesAttemptContext === true);
  const attemptStep = withHook('stepAttempt');
  if (attemptStep.length > 1) {
    throw new TypeError(
      `one policy at most may run a call's attempt steps, got ${attemptStep.length}`,
    );
  }
  // Per-call hooks but `recover`, which needs nothing until the call has failed for good.
  const perCall = ordered.filter(
    (policy) =>
      [policy.admitCall, policy.admitAttempt, policy.wrapAttempt, policy.attemptEnded].some(
        (hook) => hook !== undefined,
      ) ||
      policy.settleCall !== undefined ||
      policy.stepAttempt !== undefined ||
      policy.providesAttemptContext === true,
  );
  const guard = perCall.length === 1 ? perCall[0] : undefined;
  const scopedAttemptsOnly =
    perCall.length > 0 &&
    perCall.every(
      (policy) =>
        policy.providesAttemptContext === true &&
        policy.admitCall === undefined &&
        policy.admitAttempt === undefined &&
        policy.attemptEnded === undefined &&
        policy.settleCall === undefined &&
        (policy.stepAttempt === undefined || policy.stepFirstAttempt !== undefined),
    ) &&
    !measuresAttempts &&
    retryPolicy.retryOnResult === undefined;
  const firstAttemptGuard =
    guard !== undefined &&
    typeof guard.enterFirstAttempt === 'function' &&
    ordered.every((policy) => policy === guard || policy.measuresAttempts !== true) &&
    retryPolicy.retryOnResult === undefined
      ? guard
      : undefined;
  // The fast path asks `retryOnResult` with no record to recover from what it throws.
  const guarded =
    perCall.length > 0 || (recover.length > 0 && retryPolicy.retryOnResult !== undefined);
  const firstAttempt: FirstAttempt =
    retryPolicy.deadline !== undefined
      ? firstAttemptKinds.general
      : !guarded && retryPolicy.retryOnResult === undefined
        ? firstAttemptKinds.plain
        : firstAttemptGuard !== undefined
          ? firstAttemptKinds.ticketed
          : firstAttemptKinds.general;
  return {
    ...retryPolicy,
    identity: telemetry.identity,
    statistics: telemetry.statistics,
    policies: ordered.length === 0 ? noPolicies : ordered,
    guarded,
    firstAttemptGuard,
    callCounter: callCounterOf(counters),
    firstAttempt,
    scopedAttemptsOnly,
    admitCall,
    admitAttempt,
    wrapAttempt,
    attemptEnded,
    vetoRetry: [...withHook('vetoRetry')].reverse(),
    settleCall,
    recover: recover.length === 0 ? noPolicies : [...recover].reverse(),
    measuresAttempts,
    slotCount,
    attemptContext,
    attemptStep: attemptStep[0],
    admitHedge: withHook('admitHedge'),
  };
}

/** `onSuccess(result, attempts)`, told when a call settles with a result. */
function successCallback(onSuccess: (result: unknown, attempts: number) => void): PipelinePolicy {
  return {
    kind: 'success-callback',
    settleCall(call, outcome) {
      if (outcome.failed || call.gaveUpOnResult) return;
      try {
        reportHookRejection(onSuccess(outcome.value, call.attempt), 'onSuccess');
      } catch (thrown) {
        throw keepAsCause(thrown, outcome.value);
      }
    },
  };
}

/** The policy that counts calls, or one that counts for several; undefined when there is none. */
function callCounterOf(counters: readonly PipelinePolicy[]): PipelinePolicy | undefined {
  if (counters.length <= 1) return counters[0];
  return {
    kind: counters[0].kind,
    countCall() {
      for (const counter of counters) counter.countCall!();
    },
  };
}

/**
 * Counts a call admitted as it starts (any call of a lean pipeline, on the fast path or not):
 * `statistics.calls` (for `stats()`) with one increment, and the policies that count calls, if
 * any, with one call. Small, and one function for every pipeline, so V8 inlines it into the
 * wrapper whatever pipelines a call site sees.
 */
export function countFastCall(pipeline: Pipeline): void {
  pipeline.statistics.calls += 1;
  const counter = pipeline.callCounter;
  if (counter !== undefined) counter.countCall!();
}

/** Makes the per-call record; `startedAt` as `callStartTime` gives it. */
export function createCallRecord(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  startedAt: number,
  stop: CallStop | undefined = undefined,
): CallRecord {
  return {
    pipeline,
    target,
    thisArg,
    args,
    startedAt,
    attempt: 1,
    attemptStartedAt: 0,
    signal: undefined,
    hedges: 0,
    signalResolved: false,
    gaveUpOnResult: false,
    attemptScope: undefined,
    hedge: false,
    slots: pipeline.slotCount === 0 ? noSlots : new Array<unknown>(pipeline.slotCount),
    stop,
  };
}

/**
 * A record for attempt `attempt` of `call` running beside others (a hedge): the call's values,
 * with its own attempt number, scope and copy of the policies' per-call slots (a breaker's key is
 * the call's; its ticket is this attempt's).
 */
export function deriveAttemptRecord(call: CallRecord, attempt: number): CallRecord {
  return {
    ...call,
    attempt,
    attemptStartedAt: 0,
    attemptScope: undefined,
    hedge: true,
    slots: call.slots.length === 0 ? call.slots : call.slots.slice(),
  };
}

const noSlots: unknown[] = [];
