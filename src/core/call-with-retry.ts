import type { RetryPolicy } from '../policy/retry-policy';
import { resolveAbortSignalAfter } from './abort-signal';
import { listArguments } from './call-arguments';
import type { RejectionHandlers } from './rejection-handlers';
import { failedWith, outcomeValue, succeededWith, type Outcome } from './outcome';
import { callStartTime } from './retry-decision';
import { retryLoop } from './retry-loop';
import { sleep, sleepSynchronously } from './sleep';
import { isResultRetried } from './user-callback';

/** A function as the runners call it: `this` and the arguments are passed through untouched. */
export type RetriedFunction = (this: unknown, ...args: never[]) => unknown;

/**
 * What follows a first attempt that did not throw (the wrapper makes it: retrying-function.ts),
 * when the result is a promise or `retryOnResult` is set. A promise gets one `.then` with a lean
 * handler and nothing else: no timer, no AbortController, no arguments array, no clock read
 * unless a deadline is set. The arguments come as call-arguments.ts describes; `rejectionHandlers`
 * makes the handler for the first attempt's promise (rejection-handlers.ts).
 *
 * This and the functions it calls on the success path are kept small on purpose: V8 inlines a
 * call's callees only up to a total bytecode size, and the decorated call stays as fast as the
 * bench says only while all of them fit. Anything that runs after a failure lives elsewhere.
 */
export function continueAfterFirstAttempt(
  policy: RetryPolicy,
  value: unknown,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
  rejectionHandlers: RejectionHandlers,
): unknown {
  if (isPromiseLike(value)) {
    if (policy.retryOnResult === undefined) {
      return value.then(
        undefined,
        rejectionHandlers(thisArg, startedAt, count, first, second, third),
      );
    }
    return continueAsynchronously(
      policy,
      value,
      target,
      thisArg,
      startedAt,
      listArguments(count, first, second, third),
    );
  }
  return checkSynchronousResult(
    policy,
    value,
    target,
    thisArg,
    startedAt,
    listArguments(count, first, second, third),
  );
}

/**
 * Retries a call whose first attempt threw; blocking, as the call was synchronous so far. Its own
 * function, not `retrySynchronously` called from the wrapper, so that the wrapper stays small.
 */
export function retryThrownCall(
  policy: RetryPolicy,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  error: unknown,
  startedAt: number,
): unknown {
  return retrySynchronously(policy, target, thisArg, args, failedWith(error), startedAt);
}

function checkSynchronousResult(
  policy: RetryPolicy,
  value: unknown,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  args: readonly unknown[],
): unknown {
  if (!isResultRetried(policy.retryOnResult!, value)) return value;
  return retrySynchronously(policy, target, thisArg, args, succeededWith(value), startedAt);
}

/**
 * Calls `target` and retries it per `policy`, always asynchronously, even when `target` throws
 * synchronously or returns a plain value: for `withRetry`, whose callers expect a promise and must
 * never be blocked. (A retrying function makes its first attempt itself: retrying-function.ts.)
 */
export function callAsynchronouslyWithRetry(
  policy: RetryPolicy,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  const startedAt = callStartTime(policy);
  let value: unknown;
  try {
    value = Reflect.apply(target, thisArg, args);
  } catch (error) {
    return retryAsynchronously(
      policy,
      attemptOf(target, thisArg, args),
      failedWith(error),
      startedAt,
      args,
      policy.retryOnResult,
    );
  }
  return continueAsynchronously(
    policy,
    Promise.resolve(value),
    target,
    thisArg,
    startedAt,
    args,
  ) as Promise<unknown>;
}

/**
 * Attaches the retry to the first attempt's promise when it is not the common case that
 * `continueAfterFirstAttempt` handles with a lean handler: a call of `withRetry`, or one with
 * `retryOnResult`.
 */
function continueAsynchronously(
  policy: RetryPolicy,
  firstAttempt: PromiseLike<unknown>,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  args: readonly unknown[],
): PromiseLike<unknown> {
  const { retryOnResult } = policy;
  return firstAttempt.then(
    retryOnResult &&
      ((result: unknown) =>
        isResultRetried(retryOnResult, result)
          ? retryAfterFirstAttempt(policy, target, thisArg, startedAt, args, succeededWith(result))
          : result),
    (error: unknown) =>
      retryAfterFirstAttempt(policy, target, thisArg, startedAt, args, failedWith(error)),
  );
}

export function retryAfterFirstAttempt(
  policy: RetryPolicy,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  args: readonly unknown[],
  firstOutcome: Outcome,
): Promise<unknown> {
  return retryAsynchronously(
    policy,
    attemptOf(target, thisArg, args),
    firstOutcome,
    startedAt,
    args,
    policy.retryOnResult,
  );
}

function attemptOf(
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): () => Promise<Outcome> {
  return () => settle(target, thisArg, args);
}

/** Runs the retry loop after a failed first attempt, sleeping without blocking between attempts. */
export async function retryAsynchronously<Value>(
  policy: RetryPolicy,
  attempt: () => Promise<Outcome<Value>>,
  firstOutcome: Outcome<Value>,
  startedAt: number,
  args: readonly unknown[],
  retryOnResult: ((result: unknown) => boolean) | undefined,
): Promise<Value> {
  const signal = resolveAbortSignalAfter(outcomeValue(firstOutcome), policy.signal, args);
  const loop = retryLoop(policy, firstOutcome, startedAt, retryOnResult, signal);
  return driveAsynchronously(
    loop,
    loop.next(),
    attempt as () => Promise<Outcome>,
    signal,
  ) as Promise<Value>;
}

/** Sleeps without blocking and makes the next attempt, for as long as the loop asks. */
async function driveAsynchronously(
  loop: Generator<number, unknown, Outcome>,
  firstStep: IteratorResult<number, unknown>,
  attempt: () => Promise<Outcome>,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  let step = firstStep;
  while (!step.done) {
    await sleep(step.value, signal);
    step = loop.next(await attempt());
  }
  return step.value;
}

function retrySynchronously(
  policy: RetryPolicy,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  firstOutcome: Outcome,
  startedAt: number,
): unknown {
  const signal = resolveAbortSignalAfter(outcomeValue(firstOutcome), policy.signal, args);
  const loop = retryLoop(policy, firstOutcome, startedAt, policy.retryOnResult, signal);
  let step = loop.next();
  while (!step.done) {
    sleepSynchronously(step.value, signal);
    const outcome = settleSynchronously(target, thisArg, args);
    if (!outcome.failed && isPromiseLike(outcome.value)) {
      // It threw synchronously before, but returns a promise now: a promise-returning function.
      // The same loop goes on without blocking, and a rejection of this promise is retried too.
      const attempt = attemptOf(target, thisArg, args);
      return settlePromise(outcome.value).then((settled) =>
        driveAsynchronously(loop, loop.next(settled), attempt, signal),
      );
    }
    step = loop.next(outcome);
  }
  return step.value;
}

function settlePromise(promise: PromiseLike<unknown>): Promise<Outcome> {
  return Promise.resolve(promise).then(succeededWith, failedWith);
}

async function settle(
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<Outcome> {
  try {
    return succeededWith(await Reflect.apply(target, thisArg, args));
  } catch (error) {
    return failedWith(error);
  }
}

function settleSynchronously(
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Outcome {
  try {
    return succeededWith(Reflect.apply(target, thisArg, args));
  } catch (error) {
    return failedWith(error);
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
