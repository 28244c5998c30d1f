import { describeValue } from '../policy/describe-value';
import { isClassConstructor } from '../policy/is-class-constructor';

// Shared by the validators of the policies' options. The rules: only the object's own enumerable
// string keys are read (a key planted on Object.prototype is never seen), each exactly once (a
// getter runs once, and every check sees the same value), unknown keys are refused, and every
// message names the option and shows the value, prefixed with where the options were given.

/** The options' own fields, each read once; `undefined` values (meaning "not given") left out. */
export type OptionSnapshot = Readonly<Record<string, unknown>>;

export function takeOptionSnapshot(
  options: unknown,
  source: string,
  knownOptions: ReadonlySet<string>,
  optionPrefix = '',
): OptionSnapshot {
  const snapshot: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (options === undefined) return snapshot;
  if (typeof options === 'function') {
    throw new TypeError(
      `${source}: expected an options object, got a function; write ${source}() with parentheses`,
    );
  }
  if (!isPlainObject(options)) {
    throw new TypeError(`${source}: expected an options object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    const value: unknown = (options as Record<string, unknown>)[key];
    if (!knownOptions.has(key)) {
      throw new TypeError(
        `${source}: unknown option "${optionPrefix}${key}" (value ${describeValue(value)})`,
      );
    }
    if (value !== undefined) snapshot[key] = value;
  }
  return snapshot;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A TypeError naming the option: the value is of the wrong kind. */
export function wrongType(
  source: string,
  option: string,
  expected: string,
  value: unknown,
): TypeError {
  return new TypeError(
    `${source}: option "${option}" must be ${expected}, got ${describeValue(value)}`,
  );
}

/** A RangeError naming the option: the value is of the right kind, outside the allowed range. */
export function outOfRange(
  source: string,
  option: string,
  expected: string,
  value: unknown,
): RangeError {
  return new RangeError(
    `${source}: option "${option}" must be ${expected}, got ${describeValue(value)}`,
  );
}

/** A finite number within [min, max] (or (min, max] when `exclusiveMin`); throws otherwise. */
export function readNumber(
  source: string,
  option: string,
  value: unknown,
  range: {
    readonly min: number;
    readonly max?: number;
    readonly exclusiveMin?: boolean;
    readonly integer?: boolean;
  },
): number {
  const { min, max = Infinity, exclusiveMin = false, integer = false } = range;
  const expected = describeRange(range);
  if (typeof value !== 'number') throw wrongType(source, option, expected, value);
  const inRange =
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!inRange) throw outOfRange(source, option, expected, value);
  return value;
}

function describeRange(range: {
  readonly min: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
}): string {
  const kind = range.integer ? 'an integer' : 'a finite number';
  const lower = `${range.exclusiveMin ? '>' : '>='} ${range.min}`;
  return range.max === undefined ? `${kind} ${lower}` : `${kind} ${lower} and <= ${range.max}`;
}

/** A function that is not a class (a class would throw when called as a callback). */
export function readFunction<Callback>(source: string, option: string, value: unknown): Callback {
  if (isClassConstructor(value)) throw wrongType(source, option, 'a function, not a class', value);
  if (typeof value !== 'function') throw wrongType(source, option, 'a function', value);
  return value as Callback;
}
