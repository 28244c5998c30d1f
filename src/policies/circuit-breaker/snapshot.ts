import { isPlainObject, outOfRange, readNumber, wrongType } from '../option-snapshot';

/**
 * One bucket of a circuit's sliding window: `[start, calls, failures, slowCalls]`, where `start` is
 * the wall-clock time (epoch ms) the bucket begins.
 */
export type WindowBucketSnapshot = readonly [
  start: number,
  calls: number,
  failures: number,
  slowCalls: number,
];

/** The state of one circuit, as `toJSON()` reports it. JSON-safe: numbers, strings, arrays. */
export interface CircuitSnapshot {
  /** The circuit's own state; an isolation is reported apart, as `isolated`. */
  readonly state: 'closed' | 'open' | 'half-open';
  /** Opens in a row (each trial call failed); 0 once a trial call closed the circuit. */
  readonly opens: number;
  /** While open: the wall-clock time (epoch ms) its break ends; otherwise `null`. */
  readonly breakEndsAt: number | null;
  /** Failures in a row, the count `consecutiveFailures` is compared with. */
  readonly consecutiveFailures: number;
  /** Calls seen in the sampling window (for reading; restored from `window`). */
  readonly calls: number;
  /** Failures seen in the sampling window (for reading; restored from `window`). */
  readonly failures: number;
  /** Slow calls seen in the sampling window (for reading; restored from `window`). */
  readonly slowCalls: number;
  /** The window's buckets that still count, oldest first. */
  readonly window: readonly WindowBucketSnapshot[];
}

/** A keyed circuit's snapshot. */
export interface KeyedCircuitSnapshot extends CircuitSnapshot {
  readonly key: string;
}

/**
 * What `breaker.toJSON()` returns and `initialState` takes: the breaker's own circuit, and its keyed
 * circuits from the least to the most recently used (an array, so the order and any key, even
 * `"__proto__"`, survive JSON).
 */
export interface BreakerSnapshot extends CircuitSnapshot {
  /** The format of this snapshot. */
  readonly version: 1;
  /** Whether `isolate()` held the breaker open. Not restored (see `initialState`). */
  readonly isolated: boolean;
  readonly keys: readonly KeyedCircuitSnapshot[];
}

const circuitStates: ReadonlySet<unknown> = new Set(['closed', 'open', 'half-open']);

const circuitFields = new Set([
  'state',
  'opens',
  'breakEndsAt',
  'consecutiveFailures',
  'calls',
  'failures',
  'slowCalls',
  'window',
]);
const keyedCircuitFields = new Set([...circuitFields, 'key']);
const breakerFields = new Set([...circuitFields, 'version', 'isolated', 'keys']);

/**
 * Checks a snapshot given as `initialState` and returns a frozen copy of it, so later changes to the
 * given object do not reach the breaker. Reads each field once; names the field that is wrong.
 */
export function validateBreakerSnapshot(value: unknown, source: string): BreakerSnapshot {
  const option = 'initialState';
  const fields = readFields(value, source, option, breakerFields);
  if (fields.version !== 1) {
    throw wrongType(
      source,
      `${option}.version`,
      '1 (a snapshot from breaker.toJSON())',
      fields.version,
    );
  }
  if (typeof fields.isolated !== 'boolean') {
    throw wrongType(source, `${option}.isolated`, 'true or false', fields.isolated);
  }
  const keys = fields.keys;
  if (!Array.isArray(keys)) {
    throw wrongType(source, `${option}.keys`, 'an array of keyed circuit snapshots', keys);
  }
  const keyedCircuits: KeyedCircuitSnapshot[] = [];
  const seen = new Set<string>();
  // Item by item, not `Array.from(keys)` first: a sparse array of length 2^32 - 1 is refused at
  // its first hole at once, instead of being copied whole.
  for (let index = 0; index < keys.length; index += 1) {
    const item: unknown = (keys as unknown[])[index];
    const itemOption = `${option}.keys[${index}]`;
    const itemFields = readFields(item, source, itemOption, keyedCircuitFields);
    const key = itemFields.key;
    if (typeof key !== 'string') throw wrongType(source, `${itemOption}.key`, 'a string', key);
    if (seen.has(key)) {
      throw outOfRange(source, `${itemOption}.key`, 'a key not listed before', key);
    }
    seen.add(key);
    keyedCircuits.push(Object.freeze({ ...readCircuit(itemFields, source, itemOption), key }));
  }
  return Object.freeze({
    ...readCircuit(fields, source, option),
    version: 1,
    isolated: fields.isolated,
    keys: Object.freeze(keyedCircuits),
  });
}

function readFields(
  value: unknown,
  source: string,
  option: string,
  known: ReadonlySet<string>,
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw wrongType(source, option, 'a snapshot from breaker.toJSON()', value);
  }
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const field: unknown = value[key];
    if (!known.has(key)) {
      throw new TypeError(`${source}: unknown field "${option}.${key}" in the snapshot`);
    }
    fields[key] = field;
  }
  return fields;
}

function readCircuit(
  fields: Record<string, unknown>,
  source: string,
  option: string,
): CircuitSnapshot {
  const state = fields.state;
  if (!circuitStates.has(state)) {
    throw wrongType(source, `${option}.state`, `'closed', 'open' or 'half-open'`, state);
  }
  const count = { min: 0, integer: true } as const;
  const breakEndsAt = fields.breakEndsAt;
  if (state === 'open') {
    readNumber(source, `${option}.breakEndsAt`, breakEndsAt, { min: 0 });
  } else if (breakEndsAt !== null) {
    throw wrongType(
      source,
      `${option}.breakEndsAt`,
      `null unless the state is 'open'`,
      breakEndsAt,
    );
  }
  const window = fields.window;
  if (!Array.isArray(window)) {
    throw wrongType(
      source,
      `${option}.window`,
      'an array of [start, calls, failures, slowCalls]',
      window,
    );
  }
  const buckets = Array.from(window as unknown[], (bucket, index) =>
    readBucket(bucket, source, `${option}.window[${index}]`),
  );
  return {
    state: state as CircuitSnapshot['state'],
    opens: readNumber(source, `${option}.opens`, fields.opens, count),
    breakEndsAt: breakEndsAt as number | null,
    consecutiveFailures: readNumber(
      source,
      `${option}.consecutiveFailures`,
      fields.consecutiveFailures,
      count,
    ),
    calls: readNumber(source, `${option}.calls`, fields.calls, count),
    failures: readNumber(source, `${option}.failures`, fields.failures, count),
    slowCalls: readNumber(source, `${option}.slowCalls`, fields.slowCalls, count),
    window: Object.freeze(buckets),
  };
}

function readBucket(bucket: unknown, source: string, option: string): WindowBucketSnapshot {
  const expected = 'an array [start, calls, failures, slowCalls] of numbers >= 0';
  if (!Array.isArray(bucket) || bucket.length !== 4) {
    throw wrongType(source, option, expected, bucket);
  }
  const [start, calls, failures, slowCalls] = Array.from(bucket as unknown[], (item, index) =>
    readNumber(source, `${option}[${index}]`, item, { min: 0, integer: index > 0 }),
  );
  if (failures > calls || slowCalls > calls) {
    throw outOfRange(source, option, 'failures and slowCalls no greater than calls', bucket);
  }
  return Object.freeze([start, calls, failures, slowCalls] as const);
}
