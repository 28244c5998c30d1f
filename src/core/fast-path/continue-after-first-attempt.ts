import {
  type MethodShape,
  retryAfterFirstAttempt,
  retryLeanCallSynchronously,
  type RetriedFunction,
  whenSettled,
} from '../call-with-retry';
import { failedWith, succeededWith } from '../outcome';
import { createCallRecord, type Pipeline } from '../pipeline';
import { isResultRetried } from '../user-callback';
import { listArguments } from './call-arguments';
import type { GuardedRejectionHandlers, RejectionHandlers } from './rejection-handlers';

/**
 * Asks the pipeline's `firstAttemptGuard` (pipeline.ts) for the first attempt's ticket, and counts
 * the call: in `stats()` at once, in its policies' counters (a budget) only when it is admitted
 * here. A call that goes on in the slow path (a ticket of 0 or below) earns them nothing here: a
 * refused call never reached the dependency, and one that waits is counted once it is admitted.
 */
export function enterGuardedCall(pipeline: Pipeline, shape: MethodShape): number {
  pipeline.statistics.calls += 1;
  const ticket = pipeline.firstAttemptGuard!.enterFirstAttempt!(pipeline, shape);
  if (ticket > 0) pipeline.callCounter?.countCall!();
  return ticket;
}

/**
 * What follows a guarded first attempt that returned a promise: one `.then`, whose success
 * handler the guard made once per ticket, and whose rejection handler is the only allocation of
 * its own, as on the lean path. The record is made only if the promise rejects.
 */
export function continueGuardedAttempt(
  pipeline: Pipeline,
  value: PromiseLike<unknown>,
  ticket: number,
  thisArg: unknown,
  startedAt: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
  rejectionHandlers: GuardedRejectionHandlers,
  shape: MethodShape,
): unknown {
  if (!shape.answersWithPromise) shape.answersWithPromise = true;
  // Never the method's own `then`: one that throws or calls back twice would keep the ticket or
  // give it back twice (`whenSettled` adopts it).
  return whenSettled(
    value,
    pipeline.firstAttemptGuard!.successReporter!(ticket),
    rejectionHandlers(thisArg, startedAt, ticket, count, first, second, third),
  );
}

/**
 * What follows a lean pipeline's first attempt that did not throw (the wrapper makes it:
 * retrying-function.ts), when the result is a promise or `retryOnResult` is set. A promise gets one
 * `.then` with a lean handler and nothing else: no timer, no AbortController, no arguments array,
 * no clock read unless a deadline is set. The arguments come as call-arguments.ts describes;
 * `rejectionHandlers` makes the handler for the first attempt's promise (rejection-handlers.ts).
 * Anything that runs after a failure takes the per-call record, in ../call-with-retry.ts.
 */
export function continueAfterFirstAttempt(
  pipeline: Pipeline,
  value: unknown,
  promised: boolean,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
  rejectionHandlers: RejectionHandlers,
): unknown {
  // `promised`: the wrapper read `then` in its `try`; read again here, a getter could answer
  // otherwise. This runs after the wrapper's `try`, so whatever a getter or `then` throws must be
  // the attempt's rejection (`whenSettled`), not the call's throw.
  if (promised) {
    if (pipeline.retryOnResult === undefined) {
      return whenSettled(
        value as PromiseLike<unknown>,
        undefined,
        rejectionHandlers(thisArg, startedAt, count, first, second, third),
      );
    }
    const args = listArguments(count, first, second, third);
    const { retryOnResult } = pipeline;
    return whenSettled(
      value as PromiseLike<unknown>,
      (result: unknown) =>
        isResultRetried(retryOnResult, result)
          ? retryAfterFirstAttempt(
              createCallRecord(pipeline, target, thisArg, args, startedAt),
              succeededWith(result),
            )
          : result,
      (error: unknown) =>
        retryAfterFirstAttempt(
          createCallRecord(pipeline, target, thisArg, args, startedAt),
          failedWith(error),
        ),
    );
  }
  if (!isResultRetried(pipeline.retryOnResult!, value)) return value;
  return retryResult(pipeline, value, target, thisArg, startedAt, count, first, second, third);
}

function retryResult(
  pipeline: Pipeline,
  value: unknown,
  target: RetriedFunction,
  thisArg: unknown,
  startedAt: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
): unknown {
  const call = createCallRecord(
    pipeline,
    target,
    thisArg,
    listArguments(count, first, second, third),
    startedAt,
  );
  return retryLeanCallSynchronously(call, succeededWith(value));
}
