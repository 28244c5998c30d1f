import { AsyncLocalStorage } from 'node:async_hooks';
import { callSignal } from './abort-signal';
import type { CallRecord } from './pipeline';
import { stopWaking, wakeOnAbort } from './sleep';

/** What `currentAttempt()` tells the method about the attempt that is running. */
export interface AttemptInfo {
  /** The attempt's number, counting from 1 (retries and hedges included). */
  readonly attempt: number;
  /**
   * Aborts when the attempt must stop: its time limit passed (`@Timeout`, reason an
   * `AttemptTimeoutError`), another attempt of a hedged call won (`@Hedge`), or the call's own
   * signal aborted (its reason). Pass it to fetch, undici or the AWS SDK.
   */
  readonly signal: AbortSignal;
}

/**
 * One attempt's own state, for pipelines whose policies need it (`providesAttemptContext`):
 * its `AbortController` and what `currentAttempt()` returns inside it. Each attempt has its own,
 * hedged attempts running side by side included (on its own attempt record: pipeline.ts).
 */
export class AttemptScope {
  readonly controller = new AbortController();
  /** Set when a hedged call's other attempt won: this one's outcome counts for nothing. */
  lost = false;
  /**
   * Told once, when the attempt loses (`lose`): the per-attempt policies hear at once that it
   * ended, rather than when its method settles, which one that ignores its signal never does.
   */
  onLost: (() => void) | undefined = undefined;
  /**
   * Told once, after the signal's own listeners, when the attempt is stopped through `abort`,
   * the only way tenacious stops one: the time limit's race listens here rather than with an
   * 'abort' listener, which costs an attempt about half a microsecond to add and remove.
   */
  onAbort: (() => void) | undefined = undefined;
  readonly #attempt: number;
  #info: AttemptInfo | undefined = undefined;
  #callSignal: AbortSignal | undefined;
  #abortWithCall: (() => void) | undefined;

  constructor(attempt: number, callSignal: AbortSignal | undefined) {
    this.#attempt = attempt;
    this.#callSignal = callSignal;
    if (callSignal === undefined) return;
    if (callSignal.aborted) {
      this.controller.abort(callSignal.reason);
      return;
    }
    // One listener per call signal however many attempts wait on it (sleep.ts explains why).
    const abortWithCall = (): void => this.abort(callSignal.reason);
    this.#abortWithCall = abortWithCall;
    wakeOnAbort(callSignal, abortWithCall);
  }

  /**
   * What `currentAttempt()` returns, made at its first use: freezing an object costs an attempt
   * more than its AbortController does, and most attempts never ask.
   */
  get info(): AttemptInfo {
    return (this.#info ??= Object.freeze({
      attempt: this.#attempt,
      signal: this.controller.signal,
    }));
  }

  /**
   * Stops the attempt: aborts its signal with `reason`, then tells `onAbort`. The call's signal
   * forgets it at once: its abort can add nothing now, and a method that ignores its signal (a
   * hedge that lost) may never settle.
   */
  abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.release();
    const onAbort = this.onAbort;
    this.onAbort = undefined;
    onAbort?.();
  }

  /** Another attempt of a hedged call won: this one counts for nothing, and is stopped. */
  lose(reason: unknown): void {
    this.lost = true;
    this.abort(reason);
    const onLost = this.onLost;
    this.onLost = undefined;
    onLost?.();
  }

  /** After the attempt settled: the call's signal forgets it. */
  release(): void {
    if (this.#abortWithCall === undefined) return;
    stopWaking(this.#callSignal!, this.#abortWithCall);
    // An async resource made in the attempt keeps the scope as long as it lives: not the caller's signal.
    this.#callSignal = undefined;
    this.#abortWithCall = undefined;
  }
}

// Made at the first attempt that needs it: a program that never uses an attempt context never
// makes one (on Node 20, an AsyncLocalStorage in use slows every promise a little).
let storage: AsyncLocalStorage<AttemptScope> | undefined;

/**
 * Inside a method under `@Timeout` or `@Hedge` (or of a class with `@RetryDefaults({
 * attemptContext: true })`, or a function given one of those options): the running attempt's number
 * and `AbortSignal`. Elsewhere `undefined`. In an async generator method it is the attempt that
 * waits for the stream's first value.
 */
export function currentAttempt(): AttemptInfo | undefined {
  return storage?.getStore()?.info;
}

/** Opens the attempt's scope on its record; the call's signal is looked up now if it was not yet. */
export function openAttemptScope(call: CallRecord): AttemptScope {
  const scope = new AttemptScope(call.attempt, callSignal(call));
  call.attemptScope = scope;
  return scope;
}

/** Runs `execute(call)` with `currentAttempt()` answering `scope`'s attempt. */
export function runInAttemptScope<Result>(
  scope: AttemptScope,
  execute: (call: CallRecord) => Result,
  call: CallRecord,
): Result {
  storage ??= new AsyncLocalStorage<AttemptScope>();
  return storage.run(scope, execute, call);
}
