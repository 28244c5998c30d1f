import { readNumber, takeOptionSnapshot } from '../option-snapshot';

/** Options of `new RetryBudget(options)`. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per first attempt, counted over the window: 0.1 lets retries add 10% to the
   * load. A finite number >= 0.
   * @default 0.1
   */
  ratio?: number;
  /**
   * A flat allowance of retries per second, on top of `ratio`, so that a service with little
   * traffic can still retry; granted per window (`minPerSecond * window / 1000`) and usable in a
   * burst. A finite number >= 0.
   * @default 10
   */
  minPerSecond?: number;
  /**
   * The sliding window, in ms, over which calls and retries are counted; >= 10. Kept as 10 buckets
   * of `window / 10` ms (at least 1 ms each), so an event counts for more than 9/10 of the window and at most all of it
   * (first attempts are stamped at the budget's next clock read: `RetryBudget`'s notes).
   * @default 10000
   */
  window?: number;
}

/** `RetryBudgetOptions` with every default filled in. */
export interface ResolvedRetryBudgetOptions {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly window: number;
}

export const retryBudgetDefaults: ResolvedRetryBudgetOptions = Object.freeze({
  ratio: 0.1,
  minPerSecond: 10,
  window: 10_000,
});

const knownOptions: ReadonlySet<string> = new Set(['ratio', 'minPerSecond', 'window']);

// The window's 10 buckets are at least 1 ms wide: the clock counts whole ms, and a narrower bucket
// (a window of 1e-296 ms) numbers time in buckets past Infinity, where nothing is counted.
const countingWindow = { min: 10 } as const;

/**
 * Checks retry-budget options and returns them resolved and frozen; throws a TypeError or
 * RangeError that names the option and the value, prefixed with `source`. Reads only the object's
 * own keys, each once; unknown keys are refused.
 */
export function validateRetryBudgetOptions(
  options: unknown,
  source: string,
): ResolvedRetryBudgetOptions {
  const given = takeOptionSnapshot(options, source, knownOptions);
  return Object.freeze({
    ratio:
      'ratio' in given
        ? readNumber(source, 'ratio', given.ratio, { min: 0 })
        : retryBudgetDefaults.ratio,
    minPerSecond:
      'minPerSecond' in given
        ? readNumber(source, 'minPerSecond', given.minPerSecond, { min: 0 })
        : retryBudgetDefaults.minPerSecond,
    window:
      'window' in given
        ? readNumber(source, 'window', given.window, countingWindow)
        : retryBudgetDefaults.window,
  });
}
