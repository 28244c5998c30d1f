import { BucketedWindow } from './bucketed-window';
import { now } from '../clock';
import { statisticsKey, type BudgetStats } from '../../telemetry/statistics';
import {
  validateRetryBudgetOptions,
  type ResolvedRetryBudgetOptions,
  type RetryBudgetOptions,
} from './options';

/**
 * Marks a retry budget, on its prototype. `Symbol.for`, so that a budget made by a second copy of
 * the package, or a fleet-wide one (issue 15: `RedisRetryBudget`), is accepted where a
 * `RetryBudget` is.
 */
const retryBudgetBrand: unique symbol = Symbol.for('tenacious.retry-budget') as never;

/** Whether `value` is a retry budget: this package's, one from another copy, or a lookalike. */
export function isRetryBudget(value: unknown): value is RetryBudget {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as { [retryBudgetBrand]?: unknown })[retryBudgetBrand] === true;
  } catch {
    return false;
  }
}

/** Where a fleet-wide budget counted a retry it granted: its local budget's window or the fleet's. */
export type RetryGrantOrigin = 'local' | 'fleet';

/** Pending first attempts are stamped, with one clock read, at the latest when this many wait. */
const callsPerClockRead = 16;

// The series of the budget's window.
const callSeries = 0;
const retrySeries = 1;

// A retry is allowed while retries < allowance. The allowance is a product of doubles (0.1 * 30 is
// 3.0000000000000004), so it is compared as if rounded to 9 significant digits: exactly 3 retries
// for 30 calls at ratio 0.1, not 4. Exported for the fleet-wide budget, which compares the same way.
export const relativeTolerance = 1e-9;

/**
 * A retry budget: retries (and hedges) may add at most `ratio` of the first attempts, plus a flat
 * `minPerSecond` allowance, counted over a sliding window. When a dependency is down, every call
 * then costs about one attempt instead of `maxAttempts`, and retries cannot multiply an outage.
 * Share one instance between the methods and classes that call the same dependency.
 *
 * The window is a fixed ring of 10 buckets of `window / 10` ms, aligned on the wall clock: an event
 * leaves the window at the first bucket boundary that is at least `window - window / 10` ms after
 * its time stamp, and never later than `window` ms after it. Constant memory; nothing allocated
 * per event.
 *
 * A first attempt is not stamped when it happens: reading the clock would cost a call more than
 * the rest of `@Retry`. `recordCall()` counts it as pending, and pending first attempts are
 * stamped with the time of the budget's next clock read: the 16th pending call's, or the next
 * `tryRetry()` (or `callsInWindow`, `retriesInWindow`, `stats`), whichever comes first. So at most
 * 15 first attempts are stamped later than they happened, and they are the only error: the window
 * holds at most 15 first attempts more than the exact rule would (`ratio` x 15 retries more), never
 * fewer. Retries are stamped exactly, as `tryRetry()` reads the clock anyway.
 *
 * The interceptor uses only `recordCall()` and `tryRetry()`, the whole interface a fleet-wide
 * budget (issue 15) must offer too.
 */
export class RetryBudget {
  declare readonly [retryBudgetBrand]: true;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedRetryBudgetOptions;

  readonly #flatAllowance: number;
  // First attempts (`callSeries`) and retries (`retrySeries`) over the window.
  readonly #window: BucketedWindow;
  // First attempts counted but not yet stamped (see the class notes).
  #pendingCalls = 0;
  // Totals since the budget was made, for `stats(budget)`.
  #totalCalls = 0;
  #totalRetries = 0;
  #totalRefused = 0;

  constructor(options?: RetryBudgetOptions) {
    // Errors name the class the caller constructed (`RedisRetryBudget` too).
    this.options = validateRetryBudgetOptions(options, new.target.name || 'RetryBudget');
    this.#window = new BucketedWindow(this.options.window, 2);
    this.#flatAllowance = (this.options.minPerSecond * this.options.window) / 1000;
  }

  /**
   * Counts a first attempt, which earns `ratio` of a retry. Reads the clock only once every
   * `callsPerClockRead` calls (see the class notes).
   */
  recordCall(): void {
    this.#totalCalls += 1;
    if (++this.#pendingCalls >= callsPerClockRead) this.#stampPendingCalls(now());
  }

  /**
   * Asks for a retry or a hedge: true, and counted, when the retries in the window are fewer than
   * `ratio` x the first attempts in the window + `minPerSecond` x `window` / 1000; false, and not
   * counted, otherwise.
   */
  tryRetry(): boolean {
    const time = now();
    this.#stampPendingCalls(time);
    const allowance = this.options.ratio * this.#window.sum(callSeries, time) + this.#flatAllowance;
    const retries = this.#window.sum(retrySeries, time);
    if (retries >= allowance - allowance * relativeTolerance) {
      this.#totalRefused += 1;
      return false;
    }
    this.#window.add(retrySeries, 1, time);
    this.#totalRetries += 1;
    return true;
  }

  /**
   * Where the retry `tryRetry()` last granted was counted, for a budget that counts in more than
   * one place (`RedisRetryBudget`), which `refundRetry(origin)` is then told; undefined for a
   * budget with one window, as this one.
   */
  get lastGrantOrigin(): RetryGrantOrigin | undefined {
    return undefined;
  }

  /**
   * Gives back a retry `tryRetry()` granted, for a retry or a hedge that was then not made (the
   * breaker or the rate limiter refused its attempt, the deadline stopped it): a retry is paid
   * only when it runs. Taken from the newest bucket in the window that holds a retry, as a retry
   * refused after its wait was granted a bucket or more ago; nothing when the window holds none.
   * `_origin` is `lastGrantOrigin` as it was just after that retry was granted (one window here).
   */
  refundRetry(_origin?: RetryGrantOrigin): void {
    this.#window.takeNewest(retrySeries, now());
    if (this.#totalRetries > 0) this.#totalRetries -= 1;
  }

  /** Totals since the budget was made, and the window now (`stats(budget)`). */
  [statisticsKey](): BudgetStats {
    return {
      calls: this.#totalCalls,
      retries: this.#totalRetries,
      rejections: this.#totalRefused,
      callsInWindow: this.callsInWindow,
      retriesInWindow: this.retriesInWindow,
    };
  }

  /** First attempts counted in the window now (for tests and telemetry). */
  get callsInWindow(): number {
    const time = now();
    this.#stampPendingCalls(time);
    return this.#window.sum(callSeries, time);
  }

  /** Retries granted in the window now (for tests and telemetry). */
  get retriesInWindow(): number {
    const time = now();
    this.#stampPendingCalls(time);
    return this.#window.sum(retrySeries, time);
  }

  /** Adds the pending first attempts to the bucket of `time`. */
  #stampPendingCalls(time: number): void {
    this.#window.add(callSeries, this.#pendingCalls, time);
    this.#pendingCalls = 0;
  }
}

Object.defineProperty(RetryBudget.prototype, retryBudgetBrand, { value: true });
