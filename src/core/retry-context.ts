import { isCallerAbort } from '../classify/caller-abort';
import type { RetryOptions } from '../policy/options';
import { createRetryPolicy, type RetryPolicy } from '../policy/retry-policy';
import { validateRetryOptions } from '../policy/validate-options';
import { resolveAbortSignalAfter } from './abort-signal';
import { failedWith } from './outcome';
import {
  createRetryState,
  decideRetry,
  sleepCrossesDeadline,
  type RetryDecision,
  type RetryState,
} from './retry-decision';
import { sleep } from './sleep';
import { keepAsCause } from './user-callback';

const noArguments: readonly unknown[] = [];

/**
 * Manual control of a retry loop, for code that cannot be wrapped in one function call. It applies
 * the same policy as `@Retry` (classification, caps, backoff, Retry-After, deadline):
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
 * use `for await`.
 */
export class RetryContext implements Iterable<number>, AsyncIterable<number> {
  readonly #policy: RetryPolicy;
  readonly #state: RetryState;
  #attempt = 1;
  #iterating = false;
  #lastYielded = 0;
  #failure: { readonly error: unknown; readonly decision: RetryDecision } | undefined;

  constructor(options?: RetryOptions) {
    this.#policy = createRetryPolicy({ retry: [validateRetryOptions(options, 'RetryContext')] });
    this.#state = createRetryState(this.#policy, Date.now());
  }

  /** The attempt in progress, counting from 1. */
  get currentAttempt(): number {
    return this.#attempt;
  }

  /** The attempt cap this context was made with. */
  get maxAttempts(): number {
    return this.#policy.retryLane!.maxAttempts;
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
        `RetryContext: a failure is already recorded for attempt ${this.#attempt}; call wait() or go on to the next iteration first`,
      );
    }
    try {
      // The lane counts recorded failures; attempts that went on without one count toward the cap too.
      const decision: RetryDecision =
        this.#attempt >= this.maxAttempts
          ? { lane: this.#policy.retryLane, delay: undefined }
          : decideRetry(this.#policy, this.#state, failedWith(error), this.#attempt);
      this.#failure = { error, decision };
      if (decision.delay === undefined && !isCallerAbort(error)) {
        decision.lane?.onGiveUp?.(error, this.#attempt);
      }
    } catch (thrown) {
      // A classifier, `retryOn` or onGiveUp threw: the same rule as for a decorated call.
      throw keepAsCause(thrown, error);
    }
  }

  /** Whether the failure recorded for the current attempt may be retried. */
  shouldRetry(): boolean {
    return this.#failure?.decision.delay !== undefined;
  }

  /** The wait in ms before the next attempt (0 when there is none to wait for). */
  getDelay(): number {
    return this.#failure?.decision.delay ?? 0;
  }

  /**
   * Sleeps for `getDelay()` and moves on to the next attempt. Rejects with the recorded error when
   * no retry remains, and with the signal's reason on abort (the `signal` option is used when no
   * signal is passed).
   */
  async wait(signal?: AbortSignal): Promise<void> {
    const failure = this.#takeRetryableFailure();
    await sleep(failure.delay, signal ?? this.#signal());
    this.#advance();
  }

  *[Symbol.iterator](): Iterator<number> {
    this.#startIterating();
    for (;;) {
      yield (this.#lastYielded = this.#attempt);
      if (this.#attempt > this.#lastYielded) continue; // wait() has already slept and moved on
      if (this.#delayBeforeNextAttempt() === undefined) return;
      this.#advance(); // a synchronous loop does not sleep
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<number> {
    this.#startIterating();
    for (;;) {
      yield (this.#lastYielded = this.#attempt);
      if (this.#attempt > this.#lastYielded) continue; // wait() has already slept and moved on
      const delay = this.#delayBeforeNextAttempt();
      if (delay === undefined) return;
      await sleep(delay, this.#signal());
      this.#advance();
    }
  }

  /**
   * The wait before the next attempt, or undefined when there is none. Calls onRetry for a recorded
   * failure, and throws the recorded error itself when it is final.
   */
  #delayBeforeNextAttempt(): number | undefined {
    if (this.#failure === undefined) return this.#hasAttemptsLeft() ? 0 : undefined;
    return this.#takeRetryableFailure().delay;
  }

  #signal(): AbortSignal | undefined {
    return resolveAbortSignalAfter(this.#failure?.error, this.#policy.signal, noArguments);
  }

  /**
   * An attempt that recorded no failure (the loop went on without `recordFailure`) is followed by
   * the next one at once: there is no error to classify or to back off from. Cap and deadline hold.
   */
  #hasAttemptsLeft(): boolean {
    if (this.#attempt >= this.maxAttempts) return false;
    const { deadline } = this.#policy;
    return deadline === undefined || Date.now() - this.#state.startedAt < deadline;
  }

  #startIterating(): void {
    if (this.#iterating) {
      throw new TypeError(
        'RetryContext: already iterated; make a new RetryContext for each operation',
      );
    }
    this.#iterating = true;
  }

  /** The recorded failure's delay and lane; throws the recorded error itself when it is final. */
  #takeRetryableFailure(): { readonly delay: number } {
    const failure = this.#failure;
    if (failure === undefined) {
      throw new TypeError(
        'RetryContext: no failure recorded for this attempt; call recordFailure(error) first',
      );
    }
    const { lane, delay } = failure.decision;
    if (lane === undefined || delay === undefined) throw failure.error;
    try {
      lane.onRetry?.(failure.error, this.#attempt, delay);
      // Time spent since recordFailure() decided (the caller's work, onRetry) counts: a sleep that
      // would now cross the deadline is not started, and the failure becomes final.
      if (sleepCrossesDeadline(this.#policy, this.#state, delay)) {
        this.#failure = { error: failure.error, decision: { lane, delay: undefined } };
        lane.onGiveUp?.(failure.error, this.#attempt);
        throw failure.error;
      }
    } catch (thrown) {
      throw thrown === failure.error ? thrown : keepAsCause(thrown, failure.error);
    }
    return { delay };
  }

  #advance(): void {
    this.#attempt += 1;
    this.#failure = undefined;
  }
}
