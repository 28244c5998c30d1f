import {
  countCallAtStart,
  admitCall,
  callRefused,
  notAdmitted,
  abortedWhileAdmitted,
  recoverOrThrow,
  retryAsynchronously,
  runAttempt,
  settleCall,
  type AttemptExecution,
} from './call-with-retry';
import { failedWith, succeededWith } from './outcome';
import { createCallRecord, type CallStop, type Pipeline, type RetriedFunction } from './pipeline';
import { callStartTime } from './retry-decision';
import { stopWaking, wakeOnAbort } from './sleep';
import { keepAsCause } from './user-callback';
import { describeValue } from '../policy/describe-value';

interface StreamStart {
  readonly iterator: AsyncIterator<unknown, unknown, unknown>;
  readonly first: IteratorResult<unknown, unknown>;
  /** Removes the listener that closes the stream if it is dropped, once it is the caller's. */
  readonly stopClosingIfDropped: (() => void) | undefined;
}

/**
 * A stream's attempt: call the method and wait for its first value. It fails when either throws,
 * so the attempt policies (a breaker) count a stream that fails before its first value, and see a
 * stream that yielded one as a success, whatever it does after.
 */
const startStream: AttemptExecution = async (call) => {
  const scope = call.attemptScope;
  const iterator = Reflect.apply(call.target, call.thisArg, call.args) as AsyncIterator<
    unknown,
    unknown,
    unknown
  >;
  const first = await iterator.next();
  if (scope?.controller.signal.aborted === true) {
    // Stopped while it started (a timeout, a hedge that lost, the caller's abort): nobody will
    // read this stream, so it is closed here, and the attempt fails with the reason.
    if (first.done !== true) await iterator.return?.();
    throw scope.controller.signal.reason;
  }
  if (scope !== undefined && first.done !== true) {
    // Stopped after this check, before the attempt's outcome was heard, in a way that drops its
    // value: a hedge that lost in the same tick as the winner, or a time limit's race still open
    // (it fails the attempt now). The stream is closed here, as nobody will read it. An abort that
    // leaves the attempt's outcome as it is (a caller's abort without a time limit) closes nothing.
    const { signal } = scope.controller;
    const closeIfDropped = (): void => {
      if (scope.lost || scope.onAbort !== undefined) closeDropped(iterator);
    };
    signal.addEventListener('abort', closeIfDropped, { once: true });
    const stopClosingIfDropped = (): void => signal.removeEventListener('abort', closeIfDropped);
    return { iterator, first, stopClosingIfDropped } satisfies StreamStart;
  }
  return { iterator, first, stopClosingIfDropped: undefined } satisfies StreamStart;
};

/** Closes a stream nobody will read; what its `return` throws or rejects with has no one to tell. */
function closeDropped(iterator: AsyncIterator<unknown, unknown, unknown>): void {
  void Promise.resolve()
    .then(() => iterator.return?.())
    .then(undefined, () => undefined);
}

/**
 * Runs an async generator method with retries until it yields its first value. From then on the
 * stream belongs to the caller: a later failure is rethrown, never retried, because a new attempt
 * would repeat output the caller has already consumed. The call settles (pipeline.ts:
 * `settleCall`) when its stream has started, or failed for good.
 *
 * An async generator queues `return()` and `throw()` until its pending `next()` settles, so the
 * stream's own `return` and `throw` first stop its start (`ConsumerStop`): a consumer that gives up
 * on the first value (a direct `return()`, a lost `Promise.race`) ends the retries, and the pending
 * `next()` ends the stream.
 */
export function streamWithRetry(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): AsyncGenerator<unknown, unknown, unknown> {
  const stop = new ConsumerStop();
  const stream: StoppableStream = startStreamWithRetry(pipeline, target, thisArg, args, stop);
  stream[consumerStopKey] = stop;
  return stream;
}

/**
 * Where a stream keeps its stop, for the `return` and `throw` below: a property set on each
 * stream, as a method defined on each (a closure) costs several times more than the rest of a
 * stream's start.
 */
const consumerStopKey = Symbol('tenacious.consumerStop');

type StoppableStream = AsyncGenerator<unknown, unknown, unknown> & {
  [consumerStopKey]?: ConsumerStop;
};

/**
 * The call's signal while its stream starts: aborted by the caller's signal (with its reason), or
 * by `close`, the consumer's `return()` or `throw()` while the first value is pending. It waits, sleeps and
 * makes attempts on this signal (`CallStop`), so closing stops whichever of them is running.
 */
class ConsumerStop implements CallStop {
  /** Whether the stream is starting: its first `next()` is pending. */
  starting = false;
  /** Whether `close` stopped the start: the stream then ends instead of failing. */
  closed = false;
  /** Made when the call's signal is first looked up, or by `close`: most streams need none. */
  #controller: AbortController | undefined;
  #callerSignal: AbortSignal | undefined;
  readonly #forwardAbort = (): void => {
    this.#controller!.abort(this.#callerSignal!.reason);
  };

  link(callerSignal: AbortSignal | undefined): AbortSignal | undefined {
    if (this.#controller?.signal.aborted === true) return this.#controller.signal;
    // Looked up after the start (a fallback asking about a refusal): nothing can close it any
    // more, and a link now would never be removed.
    if (!this.starting) return callerSignal;
    const controller = (this.#controller ??= new AbortController());
    if (callerSignal === undefined) return controller.signal;
    if (callerSignal.aborted) {
      controller.abort(callerSignal.reason);
      return controller.signal;
    }
    this.#callerSignal = callerSignal;
    wakeOnAbort(callerSignal, this.#forwardAbort);
    return controller.signal;
  }

  close(): void {
    if (!this.starting) return;
    this.closed = true;
    // Before any lookup nothing waits on the call's signal yet: the one it will get is aborted.
    (this.#controller ??= new AbortController()).abort(
      new DOMException('the stream was closed by its consumer', 'AbortError'),
    );
  }

  /** The start is over: the caller's signal forgets this stop. */
  ended(): void {
    this.starting = false;
    if (this.#callerSignal === undefined) return;
    stopWaking(this.#callerSignal, this.#forwardAbort);
    this.#callerSignal = undefined;
  }
}

async function* startStreamWithRetry(
  pipeline: Pipeline,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
  stop: ConsumerStop,
): AsyncGenerator<unknown, unknown, unknown> {
  stop.starting = true;
  countCallAtStart(pipeline);
  const call = createCallRecord(pipeline, target, thisArg, args, callStartTime(pipeline), stop);
  let started: StreamStart;
  let admitted = false;
  try {
    const admission = admitCall(call);
    if (admission !== undefined) {
      await admission;
      if (abortedWhileAdmitted(call)) throw call.signal!.reason;
    }
    admitted = true;
    const firstOutcome = await runAttempt(call, startStream, undefined);
    if (firstOutcome.failed && firstOutcome.refused === true) {
      callRefused(call, firstOutcome.error, firstOutcome.refusedBy);
      throw firstOutcome.error;
    }
    // `retryOnResult` does not apply: a stream that started is never retried.
    started = (
      firstOutcome.failed
        ? await retryAsynchronously(call, startStream, firstOutcome, undefined)
        : firstOutcome.value
    ) as StreamStart;
  } catch (error) {
    stop.ended();
    if (admitted) settleCall(call, failedWith(error));
    else notAdmitted(call, error);
    // Its consumer closed it: nobody waits for a failure or a fallback's values.
    if (stop.closed) return undefined;
    // A fallback (pipeline.ts: `recover`) gives the values to yield instead.
    return yield* fallbackStream(recoverOrThrow(call, error), error);
  }
  stop.ended();
  const { iterator, first, stopClosingIfDropped } = started;
  stopClosingIfDropped?.();
  try {
    settleCall(call, succeededWith(undefined));
  } catch (error) {
    // `onSuccess` threw: the call ends with its error, and the stream that started, which nobody
    // will read, is closed (not waited for: a `return` that never settles must not hold the call).
    if (first.done !== true) closeDropped(iterator);
    throw error;
  }
  if (first.done) return first.value;

  let delegated = false;
  try {
    yield first.value;
    delegated = true;
    return yield* { [Symbol.asyncIterator]: () => iterator };
  } finally {
    // The caller stopped (break, return or throw) at the first value: close the inner stream too.
    if (!delegated) await iterator.return?.();
  }
}

// Once for all streams (they inherit from the generator function's prototype): `return` and
// `throw`, which the generator queues behind a pending `next()` too, stop the start first.
const streamPrototype = startStreamWithRetry.prototype as object;
const asyncGeneratorPrototype = Reflect.getPrototypeOf(streamPrototype) as AsyncGenerator<
  unknown,
  unknown,
  unknown
>;
for (const method of ['return', 'throw'] as const) {
  const inherited = asyncGeneratorPrototype[method];
  Object.defineProperty(streamPrototype, method, {
    configurable: true,
    writable: true,
    value: function (
      this: StoppableStream | undefined,
      value: unknown,
    ): Promise<IteratorResult<unknown>> {
      // Called on anything else, it rejects as the inherited method does, throwing nothing.
      this?.[consumerStopKey]?.close();
      return Reflect.apply(inherited, this, [value]) as Promise<IteratorResult<unknown>>;
    },
  });
}

/** The values a fallback gives a stream that failed before its first value: an (async) iterable. */
async function* fallbackStream(
  recovered: unknown,
  failure: unknown,
): AsyncGenerator<unknown, unknown, unknown> {
  const value: unknown = await recovered;
  if (
    typeof value === 'object' &&
    value !== null &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  ) {
    return yield* value as AsyncIterable<unknown>;
  }
  throw keepAsCause(
    new TypeError(
      `the fallback of an async generator method must give an iterable or an async iterable (the values to yield instead), got ${describeValue(value)}`,
    ),
    failure,
  );
}
