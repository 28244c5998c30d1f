/* eslint-disable prefer-rest-params -- the wrapper forwards `arguments`, which V8 then never makes (call-arguments.ts) */
import {
  callThroughPolicies,
  continueGuardedCall,
  isPromiseLike,
  retryAfterFirstAttempt,
  retryThrownCall,
  type MethodShape,
  type RetriedFunction,
  whenSettled,
} from '../call-with-retry';
import { functionKind } from '../function-kind';
import { failedWith } from '../outcome';
import {
  countFastCall,
  createCallRecord,
  firstAttemptKinds,
  type FirstAttempt,
  type Pipeline,
} from '../pipeline';
import { callStartTime } from '../retry-decision';
import { streamWithRetry } from '../stream-with-retry';
import { collectArguments, mostUnpackedArguments } from './call-arguments';
import {
  continueAfterFirstAttempt,
  continueGuardedAttempt,
  enterGuardedCall,
} from './continue-after-first-attempt';
import type { PipelineCache } from './pipeline-cache';

// A module constant, not `firstAttemptKinds.plain` read per call: V8 folds it into the wrapper's
// compare, where the property read was two loads and a map check on every call.
const plainFirstAttempt = firstAttemptKinds.plain;
const ticketedFirstAttemptKind = firstAttemptKinds.ticketed;
import { createGuardedRejectionHandlers, createRejectionHandlers } from './rejection-handlers';

/**
 * The one wrapper shape used by the decorators and `retryable`: same `this`, same arguments,
 * same return kind as `target`. `source` describes the caller for error messages.
 * `expectedFirstAttempt` is the first attempt its calls are expected to take, from the function's
 * own policies: any call takes whichever its pipeline has, the expected one with nothing handed
 * on. What its first attempt relies on to stay cheap is in README.md, next to this file.
 */
export function createRetryingFunction<Target extends RetriedFunction>(
  target: Target,
  pipelines: PipelineCache,
  source: string,
  expectedFirstAttempt: FirstAttempt = plainFirstAttempt,
): Target {
  const kind = functionKind(target);
  if (kind === 'generator') {
    // A sync generator runs lazily on iteration, after the wrapper has returned: nothing to retry.
    throw new TypeError(
      `${source}: cannot retry a synchronous generator function; make it an async generator (async *) or return an array`,
    );
  }
  // Captured as `const`s: in code that inlines the wrapper, V8 then calls the method directly.
  const method = target;
  const cache = pipelines;
  const shape: MethodShape = {
    answersWithPromise: kind === 'async',
    asynchronousFunction: kind === 'async',
    alwaysAsynchronous: false,
  };
  // The pipeline is the same for the same `this`, so a failed call asks for it again rather than
  // keeping it in its handler (rejection-handlers.ts); `pipelineOf` says how.
  const rejectionHandlersWith = (pipelineOf: (thisArg: unknown) => Pipeline) =>
    createRejectionHandlers((thisArg, startedAt, args, error) =>
      retryAfterFirstAttempt(
        createCallRecord(pipelineOf(thisArg), method, thisArg, args, startedAt),
        failedWith(error),
      ),
    );
  const guardedRejectionHandlersWith = (pipelineOf: (thisArg: unknown) => Pipeline) =>
    createGuardedRejectionHandlers((thisArg, startedAt, ticket, args, error) =>
      continueGuardedCall(
        pipelineOf(thisArg),
        method,
        thisArg,
        args,
        startedAt,
        ticket,
        error,
        undefined,
      ),
    );
  const rejectionHandlers = rejectionHandlersWith((thisArg) => cache.pipelineAfterAttempt(thisArg));
  // For a plain first attempt (`wrapper`), which may have run on the shared pipeline.
  const leanRejectionHandlers = rejectionHandlersWith((thisArg) =>
    leanPipelineAfterAttempt(cache, thisArg),
  );
  const guardedRejectionHandlers = guardedRejectionHandlersWith((thisArg) =>
    cache.pipelineAfterAttempt(thisArg),
  );
  // For a call that took the shared pipeline (`cache.lentPipeline`): its class may have got
  // records of its own since, and other policies (`ticketHolder`).
  const lentGuardedRejectionHandlers = guardedRejectionHandlersWith((thisArg) =>
    ticketHolder(cache, thisArg, cache.lentPipeline!),
  );
  // A ticketed first attempt refused, to wait, or thrown goes on in the slow path, with the
  // pipeline that names its class if the ticket is its guard's (`ticketHolder`). A function of
  // its own: in `ticketedWrapper`, two such calls took it over V8's inlining limit.
  const continueTicketedCall = (
    thisArg: unknown,
    lender: Pipeline,
    args: readonly unknown[],
    ticket: number,
    error: unknown,
  ) =>
    continueGuardedCall(
      ticketHolder(cache, thisArg, lender),
      method,
      thisArg,
      args,
      0,
      ticket,
      error,
      shape,
    );
  // A first attempt through a `firstAttemptGuard` (a breaker, a concurrency limit, a rate limit),
  // without a deadline: the ticket is all the call keeps (pipeline.ts). The wrapper of a function
  // expected to take it, and where `wrapper` hands it on. A function literal of its own, not a
  // branch of `wrapper`: V8 keeps type feedback per literal, so the guards' code never lands in a
  // lean method's wrapper (README.md, "Measured").
  const ticketedWrapper = function (
    this: unknown,
    first?: unknown,
    second?: unknown,
    third?: unknown,
  ): unknown {
    const count = arguments.length;
    const pipeline = cache.policiesFor(this);
    if (pipeline.firstAttempt !== ticketedFirstAttemptKind) {
      // Not to `wrapper`, which looks the pipeline up again and may hand the call back here: a
      // `this` whose `constructor` reads differently each time would bounce between the two.
      return Reflect.apply(generalFirstAttempt, this, arguments);
    }
    const ticket = enterGuardedCall(pipeline, shape);
    if (ticket <= 0) {
      // Refused, or to wait (`enterFirstAttempt`): the call goes on in the slow path.
      return continueTicketedCall(
        this,
        pipeline,
        Reflect.apply(collectArguments, undefined, arguments),
        ticket,
        undefined,
      );
    }
    let value: unknown;
    let promised: boolean;
    try {
      value = Reflect.apply(method, this, arguments);
      // In the `try`: a value whose `then` getter throws fails the attempt, and the guard gets
      // its ticket back (a concurrency slot, a breaker's probe). `continueGuardedAttempt` does
      // the same for a `constructor` getter.
      promised = isPromiseLike(value);
    } catch (error) {
      const args = Reflect.apply(collectArguments, undefined, arguments);
      return continueTicketedCall(this, pipeline, args, ticket, error);
    }
    if (!promised) return pipeline.firstAttemptGuard!.successReporter!(ticket)(value);
    return continueGuardedAttempt(
      pipeline,
      value as PromiseLike<unknown>,
      ticket,
      this,
      0,
      count,
      count > mostUnpackedArguments ? Reflect.apply(collectArguments, undefined, arguments) : first,
      second,
      third,
      pipeline === cache.lentPipeline ? lentGuardedRejectionHandlers : guardedRejectionHandlers,
      shape,
    );
  };
  // Any other first attempt: a guarded pipeline, a deadline, `retryOnResult`.
  const generalFirstAttempt = function (
    this: unknown,
    first?: unknown,
    second?: unknown,
    third?: unknown,
  ) {
    // Read before the call: read after it, V8 stopped forwarding `arguments` and made the
    // object on every call (Node 20).
    const count = arguments.length;
    const pipeline = cache.pipelineFor(this);
    // Not 0 when a `firstAttemptGuard` admitted the attempt (a breaker): its ticket.
    let ticket = 0;
    if (pipeline.guarded) {
      if (pipeline.firstAttemptGuard === undefined) {
        return callThroughPolicies(
          pipeline,
          method,
          this,
          Reflect.apply(collectArguments, undefined, arguments),
          shape,
        );
      }
      ticket = enterGuardedCall(pipeline, shape);
      if (ticket <= 0) {
        // Refused, or to wait (`enterFirstAttempt`): the call goes on in the slow path.
        return continueGuardedCall(
          pipeline,
          method,
          this,
          Reflect.apply(collectArguments, undefined, arguments),
          0,
          ticket,
          undefined,
          shape,
        );
      }
    } else {
      countFastCall(pipeline);
    }
    const startedAt = callStartTime(pipeline);
    let value: unknown;
    let promised: boolean;
    try {
      value = Reflect.apply(method, this, arguments);
      // As in `ticketedWrapper`.
      promised = isPromiseLike(value);
    } catch (error) {
      const args = Reflect.apply(collectArguments, undefined, arguments);
      return ticket === 0
        ? retryThrownCall(createCallRecord(pipeline, method, this, args, startedAt), error)
        : continueGuardedCall(pipeline, method, this, args, startedAt, ticket, error, shape);
    }
    if (pipeline.retryOnResult === undefined && !promised) {
      return ticket === 0 ? value : pipeline.firstAttemptGuard!.successReporter!(ticket)(value);
    }
    const listed =
      count > mostUnpackedArguments ? Reflect.apply(collectArguments, undefined, arguments) : first;
    if (ticket !== 0) {
      return continueGuardedAttempt(
        pipeline,
        value as PromiseLike<unknown>,
        ticket,
        this,
        startedAt,
        count,
        listed,
        second,
        third,
        guardedRejectionHandlers,
        shape,
      );
    }
    return continueAfterFirstAttempt(
      pipeline,
      value,
      promised,
      method,
      this,
      startedAt,
      count,
      listed,
      second,
      third,
      rejectionHandlers,
    );
  };
  // The first attempt runs here, not in a callee: V8 forwards `arguments` to the method without
  // making the object only within the function that owns it (call-arguments.ts), or to a function
  // it hands them to whole, as here to the other first attempts. Kept under V8's limit for
  // inlining a function (460 bytes of bytecode, checked by __tests__/core/fast-path-guard.test.ts):
  // a caller's optimised code then holds the plain first attempt itself.
  const wrapper = function (
    this: unknown,
    first?: unknown,
    second?: unknown,
    third?: unknown,
  ): unknown {
    const count = arguments.length;
    const pipeline = cache.policiesFor(this);
    if (pipeline.firstAttempt !== plainFirstAttempt) {
      return Reflect.apply(
        pipeline.firstAttempt === ticketedFirstAttemptKind ? ticketedWrapper : generalFirstAttempt,
        this,
        arguments,
      );
    }
    countFastCall(pipeline);
    let value: unknown;
    let promised: boolean;
    try {
      value = Reflect.apply(method, this, arguments);
      // In the `try`: a `then` getter that throws fails the attempt, as a throw does.
      promised = isPromiseLike(value);
    } catch (error) {
      return retryThrownFirstAttempt(
        leanPipelineAfterAttempt(cache, this),
        method,
        this,
        Reflect.apply(collectArguments, undefined, arguments),
        error,
      );
    }
    // A synchronous method's success ends here, so its call stays as cheap as a plain call.
    if (!promised) return value;
    return whenSettled(
      value as PromiseLike<unknown>,
      undefined,
      leanRejectionHandlers(
        this,
        0,
        count,
        count > mostUnpackedArguments
          ? Reflect.apply(collectArguments, undefined, arguments)
          : first,
        second,
        third,
      ),
    );
  };
  const retrying =
    kind === 'stream'
      ? function (this: unknown, ...args: unknown[]) {
          return streamWithRetry(cache.pipelineFor(this), method, this, args);
        }
      : expectedFirstAttempt === ticketedFirstAttemptKind
        ? ticketedWrapper
        : wrapper;
  Object.defineProperty(retrying, 'name', { value: target.name, configurable: true });
  Object.defineProperty(retrying, 'length', { value: target.length, configurable: true });
  return retrying as unknown as Target;
}

/**
 * The pipeline a guarded call goes on with, its first attempt holding a ticket of `lender`'s guard:
 * its class's own (which names the class) when that has the same guard, else `lender`. A class
 * that got records of its own while the call ran on the shared pipeline has other policies, whose
 * guard never gave the ticket; a class that cannot be resolved now (a getter that throws) has
 * none: either way the lender's guard must have the ticket back (a concurrency slot).
 */
function ticketHolder(cache: PipelineCache, thisArg: unknown, lender: Pipeline): Pipeline {
  let own: Pipeline;
  try {
    own = cache.pipelineFor(thisArg);
  } catch {
    return lender;
  }
  return own.firstAttemptGuard === lender.firstAttemptGuard ? own : lender;
}

/**
 * The pipeline a plain first attempt's failure goes on with, in the lean path (no ticket, no
 * clock started): its class's own when that takes a plain first attempt too, else the pipeline
 * that was shared, which the call ran on. A class that got records while the call was in flight
 * (a deadline, a guard, `retryOnResult`) has policies the call never started with.
 */
function leanPipelineAfterAttempt(cache: PipelineCache, thisArg: unknown): Pipeline {
  const own = cache.pipelineAfterAttempt(thisArg);
  const lent = cache.lentPipeline;
  return own.firstAttempt === plainFirstAttempt || lent === undefined ? own : lent;
}

/** A plain first attempt threw: the call goes on in the slow path, with its record. */
function retryThrownFirstAttempt(
  pipeline: Pipeline,
  method: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  error: unknown,
): unknown {
  return retryThrownCall(createCallRecord(pipeline, method, thisArg, args, 0), error);
}
