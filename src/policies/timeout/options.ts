import { describeValue } from '../../policy/describe-value';
import { isPlainObject, readNumber, takeOptionSnapshot } from '../option-snapshot';

/** `@Timeout(ms)`, `@Timeout({ ms })`, and the `timeout` option: the time limit of each attempt. */
export interface TimeoutOptions {
  /** Milliseconds an attempt may run; > 0. */
  readonly ms: number;
}

/** A number of ms, or `{ ms }`. */
export type TimeoutSetting = number | TimeoutOptions;

// setTimeout fires at once (with a TimeoutOverflowWarning) for anything longer, about 24.8 days.
const longestTimer = 2_147_483_647;
const knownOptions: ReadonlySet<string> = new Set(['ms']);

/** Checks a timeout setting where it is given; returns its ms. Throws naming the option and value. */
export function validateTimeout(value: unknown, source: string): number {
  if (typeof value === 'number') {
    return readNumber(source, 'ms', value, { min: 0, max: longestTimer, exclusiveMin: true });
  }
  if (!isPlainObject(value)) {
    throw new TypeError(
      `${source}: expected a number of milliseconds or { ms }, got ${describeValue(value)}`,
    );
  }
  const snapshot = takeOptionSnapshot(value, source, knownOptions);
  if (snapshot.ms === undefined) {
    throw new TypeError(`${source}: option "ms" is required (the time limit in milliseconds)`);
  }
  return readNumber(source, 'ms', snapshot.ms, { min: 0, max: longestTimer, exclusiveMin: true });
}
