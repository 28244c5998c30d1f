import { ErrorCategory, isErrorCategory } from '../../classify/error-category';
import { describeValue } from '../../policy/describe-value';
import {
  isPlainObject,
  readFunction,
  readNumber,
  takeOptionSnapshot,
  wrongType,
} from '../option-snapshot';
import { validateBreakerSnapshot, type BreakerSnapshot } from './snapshot';

/** The state of a circuit, as `breaker.state` and `onStateChange` report it. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** What `onStateChange` is told. */
export interface CircuitStateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /**
   * The key of the circuit that changed, for a breaker with one circuit per key; absent for the
   * breaker's own circuit, and for `isolate()` and its release, which hold every circuit.
   */
  readonly key?: string;
}

/**
 * Break durations that grow while a dependency stays down: the n-th open in a row (a trial call
 * failed each time) lasts `min(initial * exponentialBase^(n-1), max)` ms. A trial call that
 * succeeds closes the circuit and starts the count again.
 */
export interface BreakDurationBackoff {
  /** The first break, in ms; >= 0. */
  readonly initial: number;
  /** The longest break, in ms; >= `initial`. */
  readonly max: number;
  /**
   * Growth factor from one break to the next; > 1.
   * @default 2
   */
  readonly exponentialBase?: number;
}

/** Options of `@CircuitBreaker` and `new Breaker(options)`. All durations are in milliseconds. */
export interface CircuitBreakerOptions {
  /**
   * Opens the circuit when at least this share of the calls in the sampling window failed (and at
   * least `minimumThroughput` calls were seen); > 0 and <= 1. Not together with
   * `consecutiveFailures`, which replaces this rule.
   * @default 0.5
   */
  failureRatio?: number;
  /**
   * The sliding window that `failureRatio` and `slowCallRatio` are measured over, in ms; >= 10. It
   * is kept as 10 buckets of `samplingDuration / 10` ms (at least 1 ms each), so a call counts for
   * between 9/10 of it and all of it.
   * @default 30000
   */
  samplingDuration?: number;
  /**
   * The ratios are only judged once the window holds at least this many calls; an integer >= 1.
   * @default 10
   */
  minimumThroughput?: number;
  /**
   * Opens the circuit after this many failures in a row instead of by `failureRatio`; an integer
   * >= 1. A call that is not counted as a failure (see `failureOn`) ends the row.
   * @default undefined (the ratio rule)
   */
  consecutiveFailures?: number;
  /**
   * How long the circuit stays open before it admits trial calls: a number of ms (>= 0), or a
   * `BreakDurationBackoff` so that each open in a row lasts longer than the one before.
   * @default 30000
   */
  breakDuration?: number | BreakDurationBackoff;
  /**
   * How many trial calls run while half-open; every other caller fails fast. All of them must
   * succeed to close the circuit; one failure opens it again, for a longer break with a
   * `BreakDurationBackoff`. An integer >= 1.
   * @default 1
   */
  halfOpenProbes?: number;
  /**
   * A call that takes at least this long (whether it succeeds or fails) is slow; > 0. Given
   * together with `slowCallRatio`; off when absent.
   * @default undefined (slow calls are not looked at)
   */
  slowCallDuration?: number;
  /**
   * Opens the circuit when at least this share of the calls in the sampling window were slow (and
   * at least `minimumThroughput` calls were seen); > 0 and <= 1. Given together with
   * `slowCallDuration`. A slow trial call counts as a failed one.
   * @default undefined (slow calls are not looked at)
   */
  slowCallRatio?: number;
  /**
   * The categories of error that count as the dependency failing. A rate limit never counts, even
   * when its category is listed: the dependency is up and asking for less traffic. An error of
   * another category (a 404, an auth failure) shows that the dependency answered, and counts as a
   * success. May be empty, to open on slow calls only.
   * @default [ErrorCategory.RETRYABLE, ErrorCategory.TIMEOUT, ErrorCategory.NETWORK]
   */
  failureOn?: readonly ErrorCategory[];
  /**
   * One circuit per key (per host, per model id) instead of one for all calls: the key of a call,
   * from `this` and its arguments. Declared as a method so that a function typed for one class and
   * argument list, `(service: Service, [host]: [string]) => host`, fits.
   * @default undefined (one circuit)
   */
  key?(thisArg: unknown, args: readonly unknown[]): string;
  /**
   * The most keyed circuits kept; an integer >= 1. A new key beyond it evicts the least recently
   * used circuit that is closed (the least recently used of all when none is), which starts again
   * closed if its key comes back.
   * @default 1000
   */
  maxKeys?: number;
  /**
   * Called synchronously after every change of state. Whatever it throws does not disturb the call
   * that caused the change: it is reported with `process.emitWarning` (a `TenaciousWarning` with
   * code `TENACIOUS_LISTENER_THREW` and the thrown value as its `cause`).
   * @default undefined
   */
  onStateChange?: (change: CircuitStateChange) => void;
  /**
   * A snapshot from `breaker.toJSON()` (through `JSON.stringify` and `JSON.parse` is fine), to carry
   * the state across a restart: an open circuit stays open until the wall-clock time its break was
   * to end. An isolation is not carried over: it belongs to the code that holds its release.
   * @default undefined (closed, nothing counted)
   */
  initialState?: BreakerSnapshot;
}

/** `CircuitBreakerOptions` with every default filled in, as a validated breaker keeps them. */
export interface ResolvedCircuitBreakerOptions {
  readonly failureRatio: number;
  readonly samplingDuration: number;
  readonly minimumThroughput: number;
  readonly consecutiveFailures: number | undefined;
  readonly breakDuration: number | Readonly<Required<BreakDurationBackoff>>;
  readonly halfOpenProbes: number;
  readonly slowCallDuration: number | undefined;
  readonly slowCallRatio: number | undefined;
  readonly failureOn: readonly ErrorCategory[];
  readonly key: ((thisArg: unknown, args: readonly unknown[]) => string) | undefined;
  readonly maxKeys: number;
  readonly onStateChange: ((change: CircuitStateChange) => void) | undefined;
  readonly initialState: BreakerSnapshot | undefined;
}

export const circuitBreakerDefaults = Object.freeze({
  failureRatio: 0.5,
  samplingDuration: 30_000,
  minimumThroughput: 10,
  breakDuration: 30_000,
  halfOpenProbes: 1,
  failureOn: Object.freeze([ErrorCategory.RETRYABLE, ErrorCategory.TIMEOUT, ErrorCategory.NETWORK]),
  maxKeys: 1000,
  breakDurationExponentialBase: 2,
});

const knownOptions: ReadonlySet<string> = new Set([
  'failureRatio',
  'samplingDuration',
  'minimumThroughput',
  'consecutiveFailures',
  'breakDuration',
  'halfOpenProbes',
  'slowCallDuration',
  'slowCallRatio',
  'failureOn',
  'key',
  'maxKeys',
  'onStateChange',
  'initialState',
]);

const ratio = { min: 0, max: 1, exclusiveMin: true } as const;
const positiveDuration = { min: 0, exclusiveMin: true } as const;
const duration = { min: 0 } as const;
// The window's 10 buckets are at least 1 ms wide: the clock counts whole ms, and a narrower bucket
// (a window of 1e-296 ms) numbers time in buckets past Infinity, where nothing is counted.
const samplingWindow = { min: 10 } as const;
const positiveInteger = { min: 1, integer: true } as const;

/**
 * Checks circuit-breaker options and returns them resolved (defaults filled in) and frozen. Throws a
 * TypeError (wrong kind of value, unknown option) or a RangeError (out of range) that names the
 * option and the value, prefixed with `source` (`"@CircuitBreaker"`, `"Breaker"`). Reads only the
 * object's own keys, each once.
 */
export function validateCircuitBreakerOptions(
  options: unknown,
  source: string,
): ResolvedCircuitBreakerOptions {
  const given = takeOptionSnapshot(options, source, knownOptions);
  const number = (option: string, range: Parameters<typeof readNumber>[3], fallback: number) =>
    option in given ? readNumber(source, option, given[option], range) : fallback;
  const optionalNumber = (option: string, range: Parameters<typeof readNumber>[3]) =>
    option in given ? readNumber(source, option, given[option], range) : undefined;

  const consecutiveFailures = optionalNumber('consecutiveFailures', positiveInteger);
  if (consecutiveFailures !== undefined && 'failureRatio' in given) {
    throw new TypeError(
      `${source}: options "failureRatio" (${describeValue(given.failureRatio)}) and "consecutiveFailures" (${consecutiveFailures}) are two rules for opening; give one`,
    );
  }
  const slowCallDuration = optionalNumber('slowCallDuration', positiveDuration);
  const slowCallRatio = optionalNumber('slowCallRatio', ratio);
  if ((slowCallDuration === undefined) !== (slowCallRatio === undefined)) {
    const [present, missing] =
      slowCallDuration === undefined
        ? ['slowCallRatio', 'slowCallDuration']
        : ['slowCallDuration', 'slowCallRatio'];
    throw new TypeError(
      `${source}: option "${present}" (${describeValue(given[present])}) needs "${missing}" too: a call is slow from slowCallDuration ms, and the circuit opens when slowCallRatio of the calls are`,
    );
  }

  return Object.freeze({
    failureRatio: number('failureRatio', ratio, circuitBreakerDefaults.failureRatio),
    samplingDuration: number(
      'samplingDuration',
      samplingWindow,
      circuitBreakerDefaults.samplingDuration,
    ),
    minimumThroughput: number(
      'minimumThroughput',
      positiveInteger,
      circuitBreakerDefaults.minimumThroughput,
    ),
    consecutiveFailures,
    breakDuration:
      'breakDuration' in given
        ? readBreakDuration(given.breakDuration, source)
        : circuitBreakerDefaults.breakDuration,
    halfOpenProbes: number(
      'halfOpenProbes',
      positiveInteger,
      circuitBreakerDefaults.halfOpenProbes,
    ),
    slowCallDuration,
    slowCallRatio,
    failureOn:
      'failureOn' in given
        ? readFailureOn(given.failureOn, source)
        : circuitBreakerDefaults.failureOn,
    key:
      'key' in given
        ? readFunction<ResolvedCircuitBreakerOptions['key']>(source, 'key', given.key)
        : undefined,
    maxKeys: number('maxKeys', positiveInteger, circuitBreakerDefaults.maxKeys),
    onStateChange:
      'onStateChange' in given
        ? readFunction<ResolvedCircuitBreakerOptions['onStateChange']>(
            source,
            'onStateChange',
            given.onStateChange,
          )
        : undefined,
    initialState:
      'initialState' in given ? validateBreakerSnapshot(given.initialState, source) : undefined,
  });
}

function readBreakDuration(
  value: unknown,
  source: string,
): ResolvedCircuitBreakerOptions['breakDuration'] {
  if (typeof value === 'number') return readNumber(source, 'breakDuration', value, duration);
  const expected = 'a number of ms or { initial, max, exponentialBase? }';
  if (!isPlainObject(value)) throw wrongType(source, 'breakDuration', expected, value);
  const fields = takeOptionSnapshot(
    value,
    source,
    new Set(['initial', 'max', 'exponentialBase']),
    'breakDuration.',
  );
  for (const required of ['initial', 'max']) {
    if (!(required in fields)) {
      throw new TypeError(
        `${source}: option "breakDuration.${required}" is missing, in ${describeValue(value)}`,
      );
    }
  }
  const initial = readNumber(source, 'breakDuration.initial', fields.initial, duration);
  const max = readNumber(source, 'breakDuration.max', fields.max, { min: initial });
  const exponentialBase =
    'exponentialBase' in fields
      ? readNumber(source, 'breakDuration.exponentialBase', fields.exponentialBase, {
          min: 1,
          exclusiveMin: true,
        })
      : circuitBreakerDefaults.breakDurationExponentialBase;
  return Object.freeze({ initial, max, exponentialBase });
}

function readFailureOn(value: unknown, source: string): readonly ErrorCategory[] {
  const expected = 'an array of ErrorCategory values';
  if (!Array.isArray(value)) throw wrongType(source, 'failureOn', expected, value);
  // Item by item, a hole read as undefined (which `every` would skip): a sparse array of length
  // 2^32 - 1 is refused at its first hole, not copied whole first.
  const categories: ErrorCategory[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const item: unknown = (value as unknown[])[index];
    if (!isErrorCategory(item)) throw wrongType(source, 'failureOn', expected, value);
    categories.push(item);
  }
  return Object.freeze(categories);
}
