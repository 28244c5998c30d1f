import { outOfRange, readNumber, takeOptionSnapshot, wrongType } from '../option-snapshot';

/** Options of `new ConcurrencyLimiter(options)` and `@ConcurrencyLimit(options)`. */
export interface ConcurrencyLimiterOptions {
  /**
   * How many calls run at once, an integer >= 1 (a call holds its slot across its retries and
   * their waits).
   */
  maxConcurrent: number;
  /**
   * How many calls may wait for a slot, in FIFO order; beyond it a call fails fast with
   * `ConcurrencyLimitError`. `Infinity` for an unbounded queue. Queuing needs a method that
   * answers with a promise: a synchronous method with `maxQueued > 0` is refused at its first call.
   * @default 0
   */
  maxQueued?: number;
  /**
   * How long a call may wait in the queue, in ms (> 0 and <= 2147483647), before it fails with
   * `ConcurrencyLimitError`. Only with `maxQueued` > 0: without a queue no call waits.
   * @default undefined (as long as it takes)
   */
  queueTimeout?: number;
}

/** The options in force, defaults filled in. */
export interface ResolvedConcurrencyLimiterOptions {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly queueTimeout: number | undefined;
}

const knownOptions: ReadonlySet<string> = new Set(['maxConcurrent', 'maxQueued', 'queueTimeout']);

// setTimeout fires at once (with a TimeoutOverflowWarning) for anything longer, about 24.8 days.
const longestTimer = 2_147_483_647;

/** Checks limiter options where they are given; throws naming the option and the value. */
export function validateConcurrencyLimiterOptions(
  options: unknown,
  source: string,
): ResolvedConcurrencyLimiterOptions {
  if (options === undefined) {
    throw new TypeError(`${source}: expected options with "maxConcurrent", got undefined`);
  }
  const given = takeOptionSnapshot(options, source, knownOptions);
  if (!('maxConcurrent' in given)) {
    throw new TypeError(`${source}: option "maxConcurrent" is required (an integer >= 1)`);
  }
  const maxConcurrent = readNumber(source, 'maxConcurrent', given.maxConcurrent, {
    min: 1,
    integer: true,
  });
  let maxQueued = 0;
  if ('maxQueued' in given) {
    const value = given.maxQueued;
    if (typeof value !== 'number') {
      throw wrongType(source, 'maxQueued', 'an integer >= 0 or Infinity', value);
    }
    if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
      throw outOfRange(source, 'maxQueued', 'an integer >= 0 or Infinity', value);
    }
    maxQueued = value;
  }
  const queueTimeout =
    'queueTimeout' in given
      ? readNumber(source, 'queueTimeout', given.queueTimeout, {
          min: 0,
          max: longestTimer,
          exclusiveMin: true,
        })
      : undefined;
  if (queueTimeout !== undefined && maxQueued === 0) {
    throw new TypeError(
      `${source}: option "queueTimeout" (${queueTimeout}) needs "maxQueued" > 0: without a queue no call waits`,
    );
  }
  return Object.freeze({ maxConcurrent, maxQueued, queueTimeout });
}
