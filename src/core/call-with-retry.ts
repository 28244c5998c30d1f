import { callSignalAfter } from './abort-signal';
import { openAttemptScope, runInAttemptScope, type AttemptScope } from './attempt-context';
import {
  failedWith,
  outcomeValue,
  refusedWith,
  returnedJudged,
  succeededWith,
  type Outcome,
} from './outcome';
import {
  countFastCall,
  createCallRecord,
  type CallRecord,
  type FirstAttemptAnswer,
  type Pipeline,
  type PipelinePolicy,
  type PolicyKind,
  type RetriedFunction,
} from './pipeline';
import { callStartTime } from './retry-decision';
import { retryLoop } from './retry-loop';
import { sleep, sleepSynchronously } from './sleep';
import { giveUpChannel } from '../telemetry/channels';
import { publishRefusal } from '../telemetry/publish';
import { countAttemptNotStarted } from '../telemetry/statistics';
import { isOutcomeRetried, isResultRetried } from './user-callback';

export type { RetriedFunction } from './pipeline';

// The slow path: everything after a first attempt that failed, and every call of a pipeline with
// policies that need a per-call record (a breaker, `onSuccess`). Each function here receives the
// one per-call record (pipeline.ts), never the call's values one by one. The fast path, for a
// lean pipeline's first attempt, is in fast-path/.

/** How an attempt runs: the method itself, or a stream's start (stream-with-retry.ts). */
export type AttemptExecution = (call: CallRecord) => unknown;

/** Calls the method with the call's `this` and arguments. */
export const invokeTarget: AttemptExecution = (call) =>
  Reflect.apply(call.target, call.thisArg, call.args);

/**
 * Runs one step of the retry loop: one attempt through the attempt-level policies (pipeline.ts),
 * each of which may refuse it, wrap it and see its outcome; or, with a hedge, the attempts the
 * hedge runs side by side (`stepAttempt`). Returns the outcome, or a promise of it when the attempt
 * returned one. Never throws for the method's failure; a policy's own bug (a classifier that
 * throws) does. `retryOnResult` (none for a stream's start) is asked here, once, when policies see
 * the outcome: a value the call retries is not a success of the dependency (a breaker counts it as
 * a failure).
 */
export function runAttempt(
  call: CallRecord,
  execute: AttemptExecution,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Outcome | Promise<Outcome> {
  const { pipeline } = call;
  if (!pipeline.guarded) return executeOnce(call, execute);
  const step = pipeline.attemptStep;
  if (step === undefined) return runOneAttempt(call, execute, retryOnResult);
  return step.stepAttempt!(call, (record) => runOneAttempt(record, execute, retryOnResult));
}

function runOneAttempt(
  call: CallRecord,
  execute: AttemptExecution,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Outcome | Promise<Outcome> {
  const { pipeline } = call;
  const { admitAttempt } = pipeline;
  for (let index = 0; index < admitAttempt.length; index++) {
    const policy = admitAttempt[index];
    let admitted: boolean;
    try {
      admitted = policy.admitAttempt!(call);
    } catch (error) {
      // User code it ran threw (a rate limiter's `cost`): the attempt did not run either, and the
      // policies outside it give back what they took for it (a breaker's trial call).
      notRun(admitAttempt, index, call, refusedWith(error, policy.kind));
      countAttemptNotStarted(call, call.attempt);
      throw error;
    }
    if (!admitted) {
      const refused = refusedWith(policy.refusal!(call), policy.kind);
      // The policies outside it let the attempt through: they hear that it did not run.
      notRun(admitAttempt, index, call, refused);
      return refused;
    }
  }
  // Admitted: the call counts now (pipeline.ts: `countCall`), not when a policy refused it.
  if (call.attempt === 1) pipeline.callCounter?.countCall!();
  if (pipeline.measuresAttempts) call.attemptStartedAt = Date.now();
  if (pipeline.attemptContext) return runScopedAttempt(call, execute, retryOnResult);
  const { wrapAttempt } = pipeline;
  let value: unknown;
  let promised: boolean;
  try {
    value = (wrapAttempt.length === 0 ? execute : wrapExecution(wrapAttempt, execute))(call);
    // In the `try`: a value whose `then` getter throws is a failed attempt, as a throw is.
    promised = isPromiseLike(value);
  } catch (error) {
    return attemptEnded(call, failedWith(error));
  }
  if (promised) {
    // One derived promise: the attempt's outcome is reported in the reaction that makes it. A
    // promise whose `constructor` getter throws is a promise still: a rejection (`whenSettled`),
    // so that its method is retried without blocking, as on the fast path.
    return ownPromise(
      whenSettled(
        value as PromiseLike<unknown>,
        (result) => attemptReturned(call, result, retryOnResult),
        (error: unknown) => attemptEnded(call, failedWith(error)),
      ),
    );
  }
  return attemptReturned(call, value, retryOnResult);
}

/** Tells the policies before `index`, which admitted the attempt, that it did not run. */
function notRun(
  admitAttempt: readonly PipelinePolicy[],
  index: number,
  call: CallRecord,
  refused: Outcome,
): void {
  for (let outer = 0; outer < index; outer++) admitAttempt[outer].attemptEnded?.(call, refused);
}

function attemptReturned(
  call: CallRecord,
  value: unknown,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Outcome {
  const { pipeline } = call;
  // Judged here for the policies that see outcomes, and for a hedge: a retried value is no win.
  if (
    retryOnResult === undefined ||
    (pipeline.attemptEnded.length === 0 && pipeline.attemptStep === undefined)
  ) {
    return attemptEnded(call, succeededWith(value));
  }
  let retried: boolean;
  try {
    retried = isResultRetried(retryOnResult, value);
  } catch (thrown) {
    // The dependency answered; the predicate's own error ends the call (user-callback.ts).
    attemptEnded(call, succeededWith(value));
    throw thrown;
  }
  return attemptEnded(call, returnedJudged(value, retried));
}

/**
 * An attempt in its own scope (attempt-context.ts): the method runs where `currentAttempt()`
 * answers for it, and the scope is released (its link to the call's signal removed) once the
 * attempt has settled. An attempt that lost to a hedged one failed only because it was stopped:
 * the policies hear it as not having run (a breaker counts nothing).
 */
function runScopedAttempt(
  call: CallRecord,
  execute: AttemptExecution,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Outcome | Promise<Outcome> {
  const scope = openAttemptScope(call);
  const scoped: AttemptExecution = (record) => runInAttemptScope(scope, execute, record);
  const { wrapAttempt, attemptStep } = call.pipeline;
  // The policies hear the attempt's end once: when it settles, or when it lost to a hedge.
  let ended = false;
  if (attemptStep !== undefined && call.pipeline.attemptEnded.length > 0) {
    scope.onLost = () => {
      ended = true;
      attemptEnded(call, refusedWith(scope.controller.signal.reason, 'hedge'));
    };
  }
  const failed = (error: unknown): Outcome => {
    scope.release();
    if (ended) return refusedWith(error, 'hedge');
    ended = true;
    scope.onLost = undefined;
    return attemptEnded(call, scope.lost ? refusedWith(error, 'hedge') : failedWith(error));
  };
  const returned = (result: unknown): Outcome => {
    scope.release();
    if (ended) return succeededWith(result);
    ended = true;
    scope.onLost = undefined;
    return attemptReturned(call, result, retryOnResult);
  };
  let value: unknown;
  let promised: boolean;
  try {
    value = (wrapAttempt.length === 0 ? scoped : wrapExecution(wrapAttempt, scoped))(call);
    promised = isPromiseLike(value);
  } catch (error) {
    return failed(error);
  }
  if (promised) return ownPromise(whenSettled(value as PromiseLike<unknown>, returned, failed));
  return returned(value);
}

function wrapExecution(
  wrappers: readonly PipelinePolicy[],
  execute: AttemptExecution,
): AttemptExecution {
  let run = execute;
  for (let index = wrappers.length - 1; index >= 0; index--) {
    const inner = run;
    const policy = wrappers[index];
    run = (call) => policy.wrapAttempt!(call, () => inner(call));
  }
  return run;
}

function attemptEnded(call: CallRecord, outcome: Outcome): Outcome {
  const policies = call.pipeline.attemptEnded;
  for (let index = policies.length - 1; index >= 0; index--) {
    policies[index].attemptEnded!(call, outcome);
  }
  return outcome;
}

function executeOnce(call: CallRecord, execute: AttemptExecution): Outcome | Promise<Outcome> {
  let value: unknown;
  let promised: boolean;
  try {
    value = execute(call);
    promised = isPromiseLike(value);
  } catch (error) {
    return failedWith(error);
  }
  if (promised) {
    return ownPromise(whenSettled(value as PromiseLike<unknown>, succeededWith, failedWith));
  }
  return succeededWith(value);
}

/** Runs the call's settle hooks, innermost policy first. */
export function settleCall(call: CallRecord, outcome: Outcome): void {
  const policies = call.pipeline.settleCall;
  // Every hook runs, whatever one of them throws (`onSuccess` is user code), so that what a policy
  // took for the call (a concurrency slot) is always given back; the first error is then thrown.
  let thrown: { readonly error: unknown } | undefined;
  for (let index = policies.length - 1; index >= 0; index--) {
    try {
      policies[index].settleCall!(call, outcome);
    } catch (error) {
      thrown ??= { error };
    }
  }
  if (thrown !== undefined) throw thrown.error;
}

/**
 * Admits the call (pipeline.ts: `admitCall`); undefined when every policy admitted it at once,
 * else a promise that resolves when the last one has.
 */
export function admitCall(call: CallRecord): PromiseLike<void> | undefined {
  const policies = call.pipeline.admitCall;
  for (let index = 0; index < policies.length; index++) {
    const admission = policies[index].admitCall!(call);
    if (admission !== undefined) {
      return Promise.resolve(admission).then(() => admitRemaining(call, index + 1));
    }
  }
  return undefined;
}

async function admitRemaining(call: CallRecord, from: number): Promise<void> {
  const policies = call.pipeline.admitCall;
  for (let index = from; index < policies.length; index++) await policies[index].admitCall!(call);
}

/**
 * How a guarded call must answer. A refused first attempt never reaches the method, so its refusal
 * is a rejected promise only where the method is known to answer with one: an `async` method, or
 * one that did so before. Otherwise each call is judged by what the method returned, as on the
 * fast path.
 */
export interface MethodShape {
  answersWithPromise: boolean;
  /** Declared `async`: it answers with a promise whatever it does. */
  readonly asynchronousFunction: boolean;
  /** The call answers with a promise and never blocks, whatever the method returns (`withRetry`, the integrations, a call that waited for admission). */
  readonly alwaysAsynchronous: boolean;
}

const asynchronousShape: MethodShape = {
  answersWithPromise: true,
  asynchronousFunction: false,
  alwaysAsynchronous: true,
};

/**
 * A call through a guarded pipeline (one whose policies need the per-call record from the start:
 * pipeline.ts): admission, the first attempt through the attempt policies, the retry loop, and
 * the settle hooks once the call has its final outcome. A synchronous method stays synchronous.
 */
export function callThroughPolicies(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  shape: MethodShape,
): unknown {
  countCallAtStart(pipeline);
  return admitAndRun(
    createCallRecord(pipeline, target, thisArg, args, callStartTime(pipeline)),
    shape,
  );
}

/** A guarded call from its admission on: the first attempt, the retries, the settle hooks. */
function admitAndRun(call: CallRecord, shape: MethodShape): unknown {
  let admission: PromiseLike<void> | undefined;
  try {
    admission = admitCall(call);
  } catch (refusal) {
    notAdmitted(call, refusal);
    if (!shape.answersWithPromise && !shape.alwaysAsynchronous) {
      return recoverOrThrow(call, refusal);
    }
    return recoverToPromise(call, refusal);
  }
  if (admission !== undefined) {
    // A call that waited for admission answers with a promise, as a queued call must.
    return admission.then(
      () => {
        if (!abortedWhileAdmitted(call)) return firstAttempt(call, asynchronousShape);
        const reason: unknown = call.signal!.reason;
        notAdmitted(call, reason);
        return recoverOrThrow(call, reason);
      },
      (refusal: unknown) => {
        notAdmitted(call, refusal);
        return recoverOrThrow(call, refusal);
      },
    );
  }
  return firstAttempt(call, shape);
}

/**
 * Whether the caller aborted after a wait handed the call its admission (a queue's slot) and
 * before the job that goes on with it: the call has not run yet, so it runs nothing. Only a signal
 * a wait looked up is asked: looking it up here would run a `signal` option first.
 */
export function abortedWhileAdmitted(call: CallRecord): boolean {
  return call.signalResolved && call.signal?.aborted === true;
}

/**
 * A call that was not admitted (refused, timed out or aborted while it waited): it made no
 * attempt, and the settle hooks run so that a policy that admitted it gives back what it took.
 */
export function notAdmitted(call: CallRecord, refusal: unknown): void {
  call.pipeline.statistics.refused += 1;
  settleCall(call, refusedWith(refusal));
}

/**
 * The call's final failure, offered to the `recover` hooks (pipeline.ts), innermost first: the
 * value one of them answers the call with, or the failure thrown (or what a hook threw).
 */
export function recoverOrThrow(call: CallRecord, error: unknown): unknown {
  const policies = call.pipeline.recover;
  for (let index = 0; index < policies.length; index++) {
    const recovery = policies[index].recover!(call, error);
    if (recovery !== undefined) return recovery.value;
  }
  throw error;
}

/** `recoverOrThrow` for a call that answers with a promise. */
function recoverToPromise(call: CallRecord, error: unknown): Promise<unknown> {
  try {
    return Promise.resolve(recoverOrThrow(call, error));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/**
 * Counts a call as it starts: a lean pipeline's at once (its calls are admitted as they start);
 * a guarded pipeline's in `stats()` only, its policies' counters once `runAttempt` has admitted
 * the first attempt (pipeline.ts: `countCall`).
 */
export function countCallAtStart(pipeline: Pipeline): void {
  if (pipeline.guarded) pipeline.statistics.calls += 1;
  else countFastCall(pipeline);
}

function firstAttempt(call: CallRecord, shape: MethodShape): unknown {
  const { pipeline } = call;
  if (pipeline.scopedAttemptsOnly) {
    return pipeline.attemptStep === undefined
      ? scopedFirstAttempt(call, shape)
      : hedgedFirstAttempt(call, shape);
  }
  let first: Outcome | Promise<Outcome>;
  try {
    first = runAttempt(call, invokeTarget, call.pipeline.retryOnResult);
  } catch (error) {
    return policyCodeThrew(call, error, shape);
  }
  return afterFirstAttempt(call, first, shape);
}

/**
 * User code a policy ran (a breaker's `key`, a classifier, a `signal` option) threw: the call ends
 * with it, in the method's own way, so an async method rejects rather than throwing at its caller.
 */
function policyCodeThrew(call: CallRecord, error: unknown, shape: MethodShape): unknown {
  settleCall(call, failedWith(error));
  if (shape.answersWithPromise || shape.alwaysAsynchronous) return recoverToPromise(call, error);
  return recoverOrThrow(call, error);
}

/**
 * `runScopedAttempt` and `afterFirstAttempt` for the first attempt of a pipeline whose per-call
 * policies only scope and wrap attempts (`Pipeline.scopedAttemptsOnly` without a hedge: a time
 * limit, an attempt context). No policy sees an outcome or settles the call, so a success is the
 * call's value: the attempt's reaction returns it, one derived promise where the general path
 * makes two and an outcome. A failure goes on as any first attempt's does.
 */
function scopedFirstAttempt(call: CallRecord, shape: MethodShape): unknown {
  const { pipeline } = call;
  pipeline.callCounter?.countCall!();
  const wrappers = pipeline.wrapAttempt;
  if (wrappers.length === 1 && wrappers[0].wrapFirstAttempt !== undefined) {
    return answeringFirstAttempt(call, wrappers[0], shape);
  }
  let started: Outcome | Promise<unknown>;
  try {
    started = startScopedAttempt(call);
  } catch (error) {
    return policyCodeThrew(call, error, shape);
  }
  if (!(started instanceof Promise)) return afterFirstAttempt(call, started, shape);
  shape.answersWithPromise = true;
  const scope = call.attemptScope!;
  return whenSettled(
    started,
    (result) => {
      scope.release();
      return result;
    },
    (error: unknown) => {
      scope.release();
      return afterFirstAttempt(call, failedWith(error), asynchronousShape);
    },
  );
}

/**
 * `scopedFirstAttempt` through a wrapper whose own promise answers the call (`wrapFirstAttempt`: a
 * time limit's race), so the call needs no promise of its own after it.
 */
function answeringFirstAttempt(
  call: CallRecord,
  wrapper: PipelinePolicy,
  shape: MethodShape,
): unknown {
  let scope: AttemptScope;
  try {
    scope = openAttemptScope(call);
  } catch (error) {
    return policyCodeThrew(call, error, shape);
  }
  let answer: unknown;
  try {
    answer = wrapper.wrapFirstAttempt!(
      call,
      () => runInAttemptScope(scope, invokeTarget, call),
      firstAttemptAnswer,
    );
  } catch (error) {
    scope.release();
    return afterFirstAttempt(call, failedWith(error), shape);
  }
  shape.answersWithPromise = true;
  return answer;
}

const firstAttemptAnswer: FirstAttemptAnswer = {
  succeeded(call, value) {
    call.attemptScope!.release();
    return value;
  },
  failed(call, error) {
    call.attemptScope!.release();
    return afterFirstAttempt(call, failedWith(error), asynchronousShape);
  },
};

/**
 * `scopedFirstAttempt` with a hedge (pipeline.ts: `stepFirstAttempt`): the hedge runs the first
 * step on attempts that report nothing but their settling, and answers the call with the winning
 * attempt's value; when every attempt failed, the call goes on as any first attempt's failure
 * does. Two promises for the step, where the general path makes four.
 */
function hedgedFirstAttempt(call: CallRecord, shape: MethodShape): unknown {
  call.pipeline.callCounter?.countCall!();
  let step: Outcome | Promise<unknown>;
  try {
    step = call.pipeline.attemptStep!.stepFirstAttempt!(
      call,
      startScopedAttempt,
      continueAfterFailedStep,
    );
  } catch (error) {
    return policyCodeThrew(call, error, shape);
  }
  if (!(step instanceof Promise)) return afterFirstAttempt(call, step, shape);
  shape.answersWithPromise = true;
  return step;
}

/**
 * Starts one attempt in its own scope (`call.attemptScope`), through the wrappers: the attempt's
 * promise (the method's, or its time limit's race), adopted, or the outcome of an attempt that
 * ended at once, its scope released. Throws only what opening the scope threw (a `signal`
 * option's own error).
 */
function startScopedAttempt(call: CallRecord): Outcome | Promise<unknown> {
  const scope = openAttemptScope(call);
  let value: unknown;
  try {
    value = runWrappedInScope(call, scope);
    // Inside the `try`: a hostile value's `then` or `constructor` getter fails the attempt.
    if (isPromiseLike(value)) return adoptPromise(value);
  } catch (error) {
    scope.release();
    return failedWith(error);
  }
  scope.release();
  return succeededWith(value);
}

function continueAfterFailedStep(call: CallRecord, outcome: Outcome): unknown {
  return afterFirstAttempt(call, outcome, asynchronousShape);
}

/** Runs the attempt in `scope`, through the pipeline's wrappers (a time limit, a hedge's check). */
function runWrappedInScope(call: CallRecord, scope: AttemptScope): unknown {
  const wrappers = call.pipeline.wrapAttempt;
  if (wrappers.length === 0) return runInAttemptScope(scope, invokeTarget, call);
  if (wrappers.length === 1) {
    return wrappers[0].wrapAttempt!(call, () => runInAttemptScope(scope, invokeTarget, call));
  }
  return wrapExecution(wrappers, (record) => runInAttemptScope(scope, invokeTarget, record))(call);
}

/**
 * A call whose first attempt the fast path ran through the pipeline's `firstAttemptGuard`
 * (pipeline.ts), and that failed with `failure`, or that the guard refused (`ticket` 0) or did
 * not admit at once (below 0): the record is made now, the guard gets its ticket back, and the
 * call goes on as any guarded call does: a call that was not admitted at once from its admission
 * on. `shape` is the wrapper's, or undefined for an attempt that rejected (then the call answers
 * with a promise).
 */
export function continueGuardedCall(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  startedAt: number,
  ticket: number,
  failure: unknown,
  shape: MethodShape | undefined,
): unknown {
  const guard = pipeline.firstAttemptGuard!;
  if (ticket < 0) {
    // Counted in `stats()` already (`enterGuardedCall`); its policies count it once admitted.
    const call = createCallRecord(pipeline, target, thisArg, args, callStartTime(pipeline));
    guard.adoptTicket!(call, ticket, shape!);
    return admitAndRun(call, shape!);
  }
  const call = createCallRecord(pipeline, target, thisArg, args, startedAt);
  guard.adoptTicket!(call, ticket, shape ?? asynchronousShape);
  const first =
    ticket === 0
      ? refusedWith(guard.refusal!(call), guard.kind)
      : attemptEnded(call, failedWith(failure));
  return afterFirstAttempt(call, first, shape ?? asynchronousShape);
}

function afterFirstAttempt(
  call: CallRecord,
  first: Outcome | Promise<Outcome>,
  shape: MethodShape,
): unknown {
  if (first instanceof Promise) {
    shape.answersWithPromise = true;
    return first.then(
      (outcome) => {
        // The common case settles here, without another promise.
        if (outcome.failed || call.pipeline.retryOnResult !== undefined) {
          return finishAsynchronously(call, outcome);
        }
        settleCall(call, outcome);
        return outcome.value;
      },
      (error: unknown) => {
        // A policy's user code threw (a classifier, `retryOnResult`): the call ends with it, and
        // still settles, so that what admission took (a concurrency slot) is given back.
        settleCall(call, failedWith(error));
        return recoverOrThrow(call, error);
      },
    );
  }
  if (
    shape.alwaysAsynchronous ||
    (first.failed && first.refused === true && shape.answersWithPromise)
  ) {
    return finishAsynchronously(call, first);
  }
  let result: unknown;
  try {
    result = finalValue(call, first, false);
  } catch (error) {
    settleCall(call, failedWith(error));
    return recoverOrThrow(call, error);
  }
  if (isPromiseLike(result)) return settleWhenDone(call, result);
  settleCall(call, succeededWith(result));
  return result;
}

async function finishAsynchronously(call: CallRecord, first: Outcome): Promise<unknown> {
  let result: unknown;
  try {
    result = finalValue(call, first, true);
  } catch (error) {
    // `retryOnResult` (user code) threw on the first attempt's value: the call ends with it.
    settleCall(call, failedWith(error));
    return recoverOrThrow(call, error);
  }
  return settleWhenDone(call, result);
}

async function settleWhenDone(call: CallRecord, result: unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await result;
  } catch (error) {
    settleCall(call, failedWith(error));
    return recoverOrThrow(call, error);
  }
  settleCall(call, succeededWith(value));
  return value;
}

/** The call's value after its first attempt: that attempt's own, or the retry loop's. */
function finalValue(call: CallRecord, first: Outcome, asynchronous: boolean): unknown {
  const { retryOnResult } = call.pipeline;
  if (!first.failed) {
    if (!isOutcomeRetried(first, retryOnResult)) return first.value;
  } else if (first.refused === true) {
    // Refused before it ran: the refusal is the call's answer, and no retry is made.
    callRefused(call, first.error, first.refusedBy);
    if (asynchronous) return Promise.reject(first.error);
    throw first.error;
  }
  return asynchronous
    ? retryAsynchronously(call, invokeTarget, first, retryOnResult)
    : retrySynchronously(call, first);
}

/** Counts and publishes a call that a policy refused before its first attempt. */
export function callRefused(
  call: CallRecord,
  refusal: unknown,
  policy: PolicyKind | undefined,
): void {
  call.pipeline.statistics.refused += 1;
  if (giveUpChannel.hasSubscribers) publishRefusal(call, refusal, policy);
}

/**
 * Calls `target` and retries it per `pipeline`, always asynchronously, even when `target` throws
 * synchronously or returns a plain value: for `withRetry` and the integrations, whose callers
 * expect a promise and must never be blocked.
 */
export function callAsynchronouslyWithRetry(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  if (pipeline.guarded) {
    try {
      return callThroughPolicies(
        pipeline,
        target,
        thisArg,
        args,
        asynchronousShape,
      ) as Promise<unknown>;
    } catch (error) {
      return Promise.reject(error);
    }
  }
  countFastCall(pipeline);
  const startedAt = callStartTime(pipeline);
  // The record is made only once the first attempt has failed, as on the fast path.
  const retry = (firstOutcome: Outcome): Promise<unknown> =>
    retryAfterFirstAttempt(
      createCallRecord(pipeline, target, thisArg, args, startedAt),
      firstOutcome,
    );
  let promise: Promise<unknown>;
  try {
    // In the `try`: a native promise whose `constructor` getter throws is a failed attempt.
    promise = adoptPromise(Reflect.apply(target, thisArg, args));
  } catch (error) {
    return retry(failedWith(error));
  }
  const { retryOnResult } = pipeline;
  return whenSettled(
    promise,
    retryOnResult &&
      ((result: unknown) =>
        isResultRetried(retryOnResult, result) ? retry(succeededWith(result)) : result),
    (error: unknown) => retry(failedWith(error)),
  );
}

/**
 * Retries a call whose first attempt threw; blocking, as the call was synchronous so far. Its own
 * function, not `retrySynchronously` called from the wrapper, so that the wrapper stays small.
 */
export function retryThrownCall(call: CallRecord, error: unknown): unknown {
  return retryLeanCallSynchronously(call, failedWith(error));
}

/**
 * Retries a call of a lean pipeline (no per-call record until now) after its first attempt,
 * blocking; a final failure is offered to the `recover` hooks (a fallback), which need nothing
 * before it.
 */
export function retryLeanCallSynchronously(call: CallRecord, firstOutcome: Outcome): unknown {
  if (call.pipeline.recover.length === 0) return retrySynchronously(call, firstOutcome);
  let result: unknown;
  try {
    result = retrySynchronously(call, firstOutcome);
  } catch (error) {
    return recoverOrThrow(call, error);
  }
  // The method answered with a promise on a retry: the loop went on without blocking.
  if (result instanceof Promise) return result.then(undefined, recoverer(call));
  return result;
}

/** Retries a call of a lean pipeline whose first attempt failed asynchronously. */
export function retryAfterFirstAttempt(call: CallRecord, firstOutcome: Outcome): Promise<unknown> {
  const retried = retryAsynchronously(
    call,
    invokeTarget,
    firstOutcome,
    call.pipeline.retryOnResult,
  );
  return call.pipeline.recover.length === 0 ? retried : retried.then(undefined, recoverer(call));
}

/** `recoverOrThrow` for a lean call's final rejection. */
function recoverer(call: CallRecord): (error: unknown) => unknown {
  return (error) => recoverOrThrow(call, error);
}

/** Runs the retry loop after a failed first attempt, sleeping without blocking between attempts. */
export async function retryAsynchronously(
  call: CallRecord,
  execute: AttemptExecution,
  firstOutcome: Outcome,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Promise<unknown> {
  callSignalAfter(call, outcomeValue(firstOutcome));
  const loop = retryLoop(call, firstOutcome, retryOnResult);
  return driveAsynchronously(loop, loop.next(), call, execute, retryOnResult);
}

/** Sleeps without blocking and makes the next attempt, for as long as the loop asks. */
async function driveAsynchronously(
  loop: Generator<number, unknown, Outcome>,
  firstStep: IteratorResult<number, unknown>,
  call: CallRecord,
  execute: AttemptExecution,
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Promise<unknown> {
  let step = firstStep;
  while (!step.done) {
    try {
      await sleep(step.value, call.signal);
    } catch (reason) {
      step = loop.throw(reason); // gives the retry back and throws `reason` on
      continue;
    }
    step = loop.next(await runAttempt(call, execute, retryOnResult));
  }
  return step.value;
}

/** Runs the retry loop after a failed first attempt, blocking between attempts. */
function retrySynchronously(call: CallRecord, firstOutcome: Outcome): unknown {
  callSignalAfter(call, outcomeValue(firstOutcome));
  const loop = retryLoop(call, firstOutcome, call.pipeline.retryOnResult);
  let step = loop.next();
  while (!step.done) {
    try {
      sleepSynchronously(step.value, call.signal);
    } catch (reason) {
      step = loop.throw(reason); // gives the retry back and throws `reason` on
      continue;
    }
    const outcome = runAttempt(call, invokeTarget, call.pipeline.retryOnResult);
    if (outcome instanceof Promise) {
      // It threw synchronously before, but returns a promise now: a promise-returning function.
      // The same loop goes on without blocking, and a rejection of this promise is retried too.
      return outcome.then((settled) =>
        driveAsynchronously(
          loop,
          loop.next(settled),
          call,
          invokeTarget,
          call.pipeline.retryOnResult,
        ),
      );
    }
    step = loop.next(outcome);
  }
  return step.value;
}

/** The built-in `then`, taken at load: a value's own `then` is told from it by identity. */
const promiseThen = Promise.prototype.then;
// Exported through a clause, not `export const`: with that, tsc's CommonJS output makes every use
// in this module a load of `exports.promiseThen`, 80 instructions more per async call (Node 22).
export { promiseThen as builtInThen };

/**
 * An attempt's value as a native promise whose `then` is the built-in one. An `async` method's
 * promise is one, and is returned as it is (V8 folds the three reads below into a map check).
 * Anything else is adopted by a new promise, a native promise with a `then` of its own included,
 * which `Promise.resolve` would return as it is: its `then` is called in a job, and whatever it
 * does (throw, call back twice) settles the new promise once. Throws what a getter of `value`
 * threw. Two values pass the reads and are returned as they are: a Proxy of a native promise,
 * which the built-in `then` refuses, and a promise whose `then` getter answers the built-in `then`
 * here and something else when read again. Attach handlers to the result with `whenSettled`, which
 * makes the first a rejection and never reads the second's `then` again.
 */
export function adoptPromise(value: unknown): Promise<unknown> {
  if (value instanceof Promise && value.constructor === Promise && value.then === promiseThen) {
    return value;
  }
  const adopted = Promise.resolve(value);
  if (adopted !== value) return adopted;
  return new Promise((resolve) => {
    resolve(value);
  });
}

/**
 * Attaches the handlers to an attempt's promise-like value and returns the derived promise: one
 * `.then`, the only promise a successful call makes. An `async` method's promise passes the three
 * reads here and is used as it is (V8 inlines this function and folds the reads into a map
 * check); anything else is adopted first (`adoptPromise`). Never throws: a getter's error (a
 * promise's `constructor`), or the built-in `then` refusing its receiver (a Proxy of a native
 * promise passes the reads) or throwing in its species lookup, is the attempt's rejection, handed
 * to `onRejected` in a job as any rejection is. The built-in `then` throws before it attaches
 * anything, and is called as it is, never read from the value again, so each handler runs at most
 * once. A `constructor` getter that answers `Promise` to the check and a subclass to the species
 * lookup gets the subclass's promise back: the fast path returns it to the caller as it is, and
 * the slow path, which goes on with it, makes it its own (`ownPromise`). The `try` costs the
 * success path a few instructions.
 */
export function whenSettled<Result>(
  value: PromiseLike<unknown>,
  onFulfilled: ((result: unknown) => Result | PromiseLike<Result>) | undefined,
  onRejected: (error: unknown) => Result | PromiseLike<Result>,
): Promise<Result> {
  try {
    const promise =
      value instanceof Promise && value.constructor === Promise && value.then === promiseThen
        ? value
        : adoptPromise(value);
    // Not a third read of `value.then`: a getter answering otherwise now could call `onRejected`
    // and throw, and the `catch` would call it again.
    return promiseThen.call(promise, onFulfilled, onRejected) as Promise<Result>;
  } catch (error) {
    return Promise.reject(error).then(undefined, onRejected);
  }
}

/**
 * `promise`, or, when a species made it, a promise of this library's that settles as it does. The
 * slow path hands an attempt's outcome on with `.then`: a `constructor` getter that answered
 * `Promise` to `whenSettled`'s check and a subclass to `then`'s species lookup makes the derived
 * promise a subclass's, whose own `then` may throw, out of the call and past `settleCall` (a
 * concurrency slot never given back). Its `then` is never called here.
 */
function ownPromise<Result>(promise: Promise<Result>): Promise<Result> {
  if (Object.getPrototypeOf(promise) === Promise.prototype) return promise;
  return new Promise<Result>((resolve, reject) => {
    promiseThen.call(promise, resolve, reject);
  });
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
