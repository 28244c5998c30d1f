import type { RetryOptions } from '../policy/options';
import { validateRetryOptions } from '../policy/validate-options';
import { resolveAbortSignalAfter } from './abort-signal';
import { failedWith } from './outcome';
import { countFastCall, createCallRecord, type CallRecord } from './pipeline';
import { RetryLoop } from './retry-loop';
import { sleep } from './sleep';
import { compileFunctionPipeline } from './with-retry';

const noArguments: readonly unknown[] = [];
const noTarget = (): undefined => undefined;

/**
 * Manual control of a retry loop, for code that cannot be wrapped in one function call. It steps
 * the same retry loop as `@Retry` (retry-loop.ts: classification, caps, backoff, Retry-After,
 * deadline, budget, onRetry and onGiveUp), one recorded failure at a time:
 *
 * ```ts
 * const context = new RetryContext({ maxAttempts: 4 });
 * for await (const attempt of context) {       // waits the backoff before each retry
 *   try { return await fetchReport(); }
 *   catch (error) { context.recordFailure(error); }   // the last error is rethrown when retries run out
 * }
 * ```
 * or, spelled out: `recordFailure(error)`, `if (!shouldRetry()) throw error`, `await wait()`.
 * Iteration yields 1..maxAttempts and ends early only by `break`/`return` or by throwing a recorded
 * error that is not retried. A synchronous `for...of` does not sleep: call `await wait()` in it, or
 * use `for await`. It is told of failures only, never of a result: `retryOnResult` and `onSuccess`
 * are accepted, as every `RetryOptions` is, and never called.
 *
 * `recordFailure` takes the retry from the budget when it grants one. Leaving an iteration before
 * that retry starts (`break`, `return`, a throw in the loop's body) gives it back. The spelled-out
 * form has no end the context could see: a retry granted and never waited for stays spent (as a
 * retry made) unless `wait(signal)` is called with an aborted signal, which gives it back and
 * rejects with the reason.
 */
export class RetryContext implements Iterable<number>, AsyncIterable<number> {
  readonly #call: CallRecord;
  readonly #loop: RetryLoop;
  #iterating = false;
  #lastYielded = 0;
  #failure:
    | {
        readonly error: unknown;
        readonly delay: number | undefined;
        /** What ends the loop when there is no retry: the error, or the caller's abort reason. */
        readonly final: unknown;
      }
    | undefined;

  constructor(options?: RetryOptions) {
    const pipeline = compileFunctionPipeline(
      options,
      { kind: 'context', owner: undefined, source: 'RetryContext' },
      validateRetryOptions,
    );
    countFastCall(pipeline);
    this.#call = createCallRecord(pipeline, noTarget, undefined, noArguments, Date.now());
    this.#loop = new RetryLoop(this.#call);
  }

  /** The attempt in progress, counting from 1. */
  get currentAttempt(): number {
    return this.#call.attempt;
  }

  /** The attempt cap this context was made with. */
  get maxAttempts(): number {
    return this.#call.pipeline.retryLane!.maxAttempts;
  }

  /** The error recorded for the current attempt, if any. */
  get lastError(): unknown {
    return this.#failure?.error;
  }

  /** Records that the current attempt failed; decides at once whether and when to retry. */
  recordFailure(error: unknown): void {
    if (this.#failure !== undefined) {
      // Counting one failed attempt twice would spend a retry the caller never made.
      throw new TypeError(
        `RetryContext: a failure is already recorded for attempt ${this.#call.attempt}; call wait() or go on to the next iteration first`,
      );
    }
    // As in the retry loop: once the caller has aborted, nothing is retried and nothing gave up.
    const signal = this.#signal(error);
    if (signal?.aborted === true) {
      this.#failure = { error, delay: undefined, final: signal.reason };
      return;
    }
    this.#failure = { error, delay: this.#loop.decide(failedWith(error)), final: error };
  }

  /** Whether the failure recorded for the current attempt may be retried. */
  shouldRetry(): boolean {
    return this.#failure?.delay !== undefined;
  }

  /** The wait in ms before the next attempt (0 when there is none to wait for). */
  getDelay(): number {
    return this.#failure?.delay ?? 0;
  }

  /**
   * Sleeps for `getDelay()` and moves on to the next attempt. Rejects with the recorded error when
   * no retry remains, and with the signal's reason on abort (the `signal` option is used when no
   * signal is passed).
   */
  async wait(signal?: AbortSignal): Promise<void> {
    const waitSignal = signal ?? this.#signal();
    const delay = this.#takeRetryableFailure(waitSignal);
    await this.#sleep(delay, waitSignal);
    this.#advance();
  }

  *[Symbol.iterator](): Iterator<number> {
    this.#startIterating();
    try {
      for (;;) {
        yield (this.#lastYielded = this.#call.attempt);
        if (this.#call.attempt > this.#lastYielded) continue; // wait() has already moved on
        const signal = this.#signal();
        if (this.#delayBeforeNextAttempt(signal) === undefined) return;
        // A synchronous loop does not sleep, but an abort (onRetry's too) ends it, as a sleep's
        // would.
        if (signal?.aborted === true) {
          this.#loop.abandonRetry();
          throw signal.reason;
        }
        this.#advance();
      }
    } finally {
      this.#abandonUnmadeRetry();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    this.#startIterating();
    try {
      for (;;) {
        yield (this.#lastYielded = this.#call.attempt);
        if (this.#call.attempt > this.#lastYielded) continue; // wait() has already moved on
        const signal = this.#signal();
        const delay = this.#delayBeforeNextAttempt(signal);
        if (delay === undefined) return;
        await this.#sleep(delay, signal);
        this.#advance();
      }
    } finally {
      this.#abandonUnmadeRetry();
    }
  }

  /**
   * The iteration ended (`break`, `return`, a throw in the loop's body) with a retry granted for
   * the recorded failure that will not run now: the budget gets it back, and it is not counted.
   */
  #abandonUnmadeRetry(): void {
    if (this.#failure?.delay === undefined) return;
    this.#failure = { ...this.#failure, delay: undefined };
    this.#loop.abandonRetry();
  }

  /**
   * The wait before the next attempt, or undefined when there is none. Calls onRetry for a recorded
   * failure, and throws the recorded error itself when it is final. An attempt that recorded no
   * failure is followed by the next one at once, within the cap and the deadline.
   */
  #delayBeforeNextAttempt(signal: AbortSignal | undefined): number | undefined {
    if (this.#failure === undefined) return this.#loop.continueWithoutOutcome() ? 0 : undefined;
    return this.#takeRetryableFailure(signal);
  }

  /**
   * The `signal` option's signal, looked up once per context, as once per call for a retried
   * method: a function runs at the first failure (what it throws keeps `failure` as its cause).
   */
  #signal(failure: unknown = this.#failure?.error): AbortSignal | undefined {
    const call = this.#call;
    if (!call.signalResolved) {
      call.signalResolved = true; // first: a function that throws is not run again
      call.signal = resolveAbortSignalAfter(failure, call.pipeline.signal, noArguments);
    }
    return call.signal;
  }

  #startIterating(): void {
    if (this.#iterating) {
      throw new TypeError(
        'RetryContext: already iterated; make a new RetryContext for each operation',
      );
    }
    this.#iterating = true;
  }

  /**
   * The recorded failure's delay, after onRetry; throws the recorded error itself when it is final,
   * and the reason when `signal` has aborted (then onRetry does not run).
   */
  #takeRetryableFailure(signal: AbortSignal | undefined): number {
    const failure = this.#failure;
    if (failure === undefined) {
      throw new TypeError(
        'RetryContext: no failure recorded for this attempt; call recordFailure(error) first',
      );
    }
    if (failure.delay === undefined) throw failure.final;
    if (signal?.aborted === true) {
      this.#loop.abandonRetry(); // granted by recordFailure, but it will not run
      throw signal.reason;
    }
    if (!this.#loop.announceRetry(failure.delay)) {
      // The deadline passed while the caller worked or onRetry ran: the failure is final now.
      this.#failure = { error: failure.error, delay: undefined, final: failure.error };
      throw failure.error;
    }
    return failure.delay;
  }

  /** The wait before the retry; one the abort ends gives the retry back (it will not run). */
  async #sleep(delay: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(delay, signal);
    } catch (reason) {
      this.#loop.abandonRetry();
      throw reason;
    }
  }

  #advance(): void {
    this.#call.attempt += 1;
    this.#failure = undefined;
  }
}
