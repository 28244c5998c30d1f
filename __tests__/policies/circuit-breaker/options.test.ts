import { Breaker, ErrorCategory, type CircuitBreakerOptions } from '../../../src';
import { validateCircuitBreakerOptions } from '../../../src/policies/circuit-breaker/options';

function rejectionOf(options: unknown): Error {
  try {
    new Breaker(options as CircuitBreakerOptions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the options were accepted');
}

const snapshot = {
  version: 1,
  isolated: false,
  state: 'closed',
  opens: 0,
  breakEndsAt: null,
  consecutiveFailures: 0,
  calls: 0,
  failures: 0,
  slowCalls: 0,
  window: [],
  keys: [],
};

describe('circuit-breaker options', () => {
  it('resolves the defaults of the contract, frozen', () => {
    const resolved = validateCircuitBreakerOptions(undefined, '@CircuitBreaker');
    expect(resolved).toEqual({
      failureRatio: 0.5,
      samplingDuration: 30_000,
      minimumThroughput: 10,
      consecutiveFailures: undefined,
      breakDuration: 30_000,
      halfOpenProbes: 1,
      slowCallDuration: undefined,
      slowCallRatio: undefined,
      failureOn: [ErrorCategory.RETRYABLE, ErrorCategory.TIMEOUT, ErrorCategory.NETWORK],
      key: undefined,
      maxKeys: 1000,
      onStateChange: undefined,
      initialState: undefined,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.failureOn)).toBe(true);
    expect(new Breaker().options).toEqual(resolved);
  });

  it('keeps what is given, and copies arrays so later changes do not reach it', () => {
    const failureOn = [ErrorCategory.TIMEOUT];
    const key = (_self: unknown, args: readonly unknown[]) => String(args[0]);
    const resolved = validateCircuitBreakerOptions(
      {
        failureOn,
        key,
        breakDuration: { initial: 1, max: 2 },
        slowCallDuration: 5,
        slowCallRatio: 1,
      },
      'Breaker',
    );
    failureOn.push(ErrorCategory.NETWORK);
    expect(resolved.failureOn).toEqual([ErrorCategory.TIMEOUT]);
    expect(resolved.key).toBe(key);
    expect(resolved.breakDuration).toEqual({ initial: 1, max: 2, exponentialBase: 2 });
    expect(resolved).toMatchObject({ slowCallDuration: 5, slowCallRatio: 1 });
    expect(validateCircuitBreakerOptions({ failureOn: [] }, 'Breaker').failureOn).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, 'TypeError' | 'RangeError', string]>([
    [
      'failureRatio 0',
      { failureRatio: 0 },
      'RangeError',
      'option "failureRatio" must be a finite number > 0 and <= 1, got 0',
    ],
    [
      'failureRatio 1.5',
      { failureRatio: 1.5 },
      'RangeError',
      'option "failureRatio" must be a finite number > 0 and <= 1, got 1.5',
    ],
    [
      'failureRatio "0.5"',
      { failureRatio: '0.5' },
      'TypeError',
      'option "failureRatio" must be a finite number > 0 and <= 1, got "0.5"',
    ],
    [
      'samplingDuration 0',
      { samplingDuration: 0 },
      'RangeError',
      'option "samplingDuration" must be a finite number >= 10, got 0',
    ],
    [
      'samplingDuration Infinity',
      { samplingDuration: Infinity },
      'RangeError',
      'option "samplingDuration" must be a finite number >= 10, got Infinity',
    ],
    [
      'samplingDuration 1e-296',
      { samplingDuration: 1e-296 },
      'RangeError',
      'option "samplingDuration" must be a finite number >= 10, got 1e-296',
    ],
    [
      'samplingDuration 9.5',
      { samplingDuration: 9.5 },
      'RangeError',
      'option "samplingDuration" must be a finite number >= 10, got 9.5',
    ],
    [
      'minimumThroughput 2.5',
      { minimumThroughput: 2.5 },
      'RangeError',
      'option "minimumThroughput" must be an integer >= 1, got 2.5',
    ],
    [
      'minimumThroughput 0',
      { minimumThroughput: 0 },
      'RangeError',
      'option "minimumThroughput" must be an integer >= 1, got 0',
    ],
    [
      'consecutiveFailures 0',
      { consecutiveFailures: 0 },
      'RangeError',
      'option "consecutiveFailures" must be an integer >= 1, got 0',
    ],
    [
      'consecutiveFailures 3n',
      { consecutiveFailures: 3n },
      'TypeError',
      'option "consecutiveFailures" must be an integer >= 1, got 3n',
    ],
    [
      'consecutiveFailures with failureRatio',
      { consecutiveFailures: 3, failureRatio: 0.5 },
      'TypeError',
      'options "failureRatio" (0.5) and "consecutiveFailures" (3) are two rules for opening; give one',
    ],
    [
      'breakDuration -1',
      { breakDuration: -1 },
      'RangeError',
      'option "breakDuration" must be a finite number >= 0, got -1',
    ],
    [
      'breakDuration NaN',
      { breakDuration: NaN },
      'RangeError',
      'option "breakDuration" must be a finite number >= 0, got NaN',
    ],
    [
      'breakDuration "30s"',
      { breakDuration: '30s' },
      'TypeError',
      'option "breakDuration" must be a number of ms or { initial, max, exponentialBase? }, got "30s"',
    ],
    [
      'breakDuration as a function',
      { breakDuration: () => 5 },
      'TypeError',
      'option "breakDuration" must be a number of ms or { initial, max, exponentialBase? }, got [function breakDuration]',
    ],
    [
      'breakDuration without max',
      { breakDuration: { initial: 5 } },
      'TypeError',
      'option "breakDuration.max" is missing, in {"initial":5}',
    ],
    [
      'breakDuration.max < initial',
      { breakDuration: { initial: 5, max: 4 } },
      'RangeError',
      'option "breakDuration.max" must be a finite number >= 5, got 4',
    ],
    [
      'breakDuration.exponentialBase 1',
      { breakDuration: { initial: 5, max: 9, exponentialBase: 1 } },
      'RangeError',
      'option "breakDuration.exponentialBase" must be a finite number > 1, got 1',
    ],
    [
      'breakDuration with an unknown key',
      { breakDuration: { initial: 5, max: 9, factor: 2 } },
      'TypeError',
      'unknown option "breakDuration.factor" (value 2)',
    ],
    [
      'halfOpenProbes 0',
      { halfOpenProbes: 0 },
      'RangeError',
      'option "halfOpenProbes" must be an integer >= 1, got 0',
    ],
    [
      'slowCallDuration without slowCallRatio',
      { slowCallDuration: 100 },
      'TypeError',
      'option "slowCallDuration" (100) needs "slowCallRatio" too',
    ],
    [
      'slowCallRatio without slowCallDuration',
      { slowCallRatio: 0.5 },
      'TypeError',
      'option "slowCallRatio" (0.5) needs "slowCallDuration" too',
    ],
    [
      'slowCallDuration 0',
      { slowCallDuration: 0, slowCallRatio: 0.5 },
      'RangeError',
      'option "slowCallDuration" must be a finite number > 0, got 0',
    ],
    [
      'slowCallRatio 2',
      { slowCallDuration: 10, slowCallRatio: 2 },
      'RangeError',
      'option "slowCallRatio" must be a finite number > 0 and <= 1, got 2',
    ],
    [
      'failureOn a category',
      { failureOn: ErrorCategory.TIMEOUT },
      'TypeError',
      'option "failureOn" must be an array of ErrorCategory values, got "timeout"',
    ],
    [
      'failureOn an unknown category',
      { failureOn: ['timeout', 'down'] },
      'TypeError',
      'option "failureOn" must be an array of ErrorCategory values, got ["timeout", "down"]',
    ],
    [
      'failureOn with a hole',
      // eslint-disable-next-line no-sparse-arrays -- a hole is what is tested
      { failureOn: [, ErrorCategory.TIMEOUT] },
      'TypeError',
      'option "failureOn" must be an array of ErrorCategory values',
    ],
    ['key a string', { key: 'host' }, 'TypeError', 'option "key" must be a function, got "host"'],
    [
      'key a class',
      { key: class Key {} },
      'TypeError',
      'option "key" must be a function, not a class, got [function Key]',
    ],
    ['maxKeys 0', { maxKeys: 0 }, 'RangeError', 'option "maxKeys" must be an integer >= 1, got 0'],
    [
      'maxKeys Infinity',
      { maxKeys: Infinity },
      'RangeError',
      'option "maxKeys" must be an integer >= 1, got Infinity',
    ],
    [
      'onStateChange an object',
      { onStateChange: {} },
      'TypeError',
      'option "onStateChange" must be a function, got {}',
    ],
    ['an unknown option', { threshold: 5 }, 'TypeError', 'unknown option "threshold" (value 5)'],
    [
      'initialState a string',
      { initialState: 'open' },
      'TypeError',
      'option "initialState" must be a snapshot from breaker.toJSON(), got "open"',
    ],
    [
      'initialState of another version',
      { initialState: { ...snapshot, version: 2 } },
      'TypeError',
      'option "initialState.version" must be 1 (a snapshot from breaker.toJSON()), got 2',
    ],
    [
      'initialState in an unknown state',
      { initialState: { ...snapshot, state: 'isolated' } },
      'TypeError',
      `option "initialState.state" must be 'closed', 'open' or 'half-open', got "isolated"`,
    ],
    [
      'initialState open without its end',
      { initialState: { ...snapshot, state: 'open', breakEndsAt: null } },
      'TypeError',
      'option "initialState.breakEndsAt" must be a finite number >= 0, got null',
    ],
    [
      'initialState closed with an end',
      { initialState: { ...snapshot, breakEndsAt: 5 } },
      'TypeError',
      `option "initialState.breakEndsAt" must be null unless the state is 'open', got 5`,
    ],
    [
      'initialState with a negative count',
      { initialState: { ...snapshot, opens: -1 } },
      'RangeError',
      'option "initialState.opens" must be an integer >= 0, got -1',
    ],
    [
      'initialState with a bad bucket',
      { initialState: { ...snapshot, window: [[0, 1, 2, 0]] } },
      'RangeError',
      'option "initialState.window[0]" must be failures and slowCalls no greater than calls, got [0, 1, 2, 0]',
    ],
    [
      'initialState with a short bucket',
      { initialState: { ...snapshot, window: [[0, 1]] } },
      'TypeError',
      'option "initialState.window[0]" must be an array [start, calls, failures, slowCalls] of numbers >= 0, got [0, 1]',
    ],
    [
      'initialState with isolated not a boolean',
      { initialState: { ...snapshot, isolated: 'no' } },
      'TypeError',
      'option "initialState.isolated" must be true or false, got "no"',
    ],
    [
      'initialState with keys as an object',
      { initialState: { ...snapshot, keys: { a: {} } } },
      'TypeError',
      'option "initialState.keys" must be an array of keyed circuit snapshots, got {"a":{}}',
    ],
    [
      'initialState with the window as an object',
      { initialState: { ...snapshot, window: {} } },
      'TypeError',
      'option "initialState.window" must be an array of [start, calls, failures, slowCalls], got {}',
    ],
    [
      'initialState with an unknown field',
      { initialState: { ...snapshot, extra: 1 } },
      'TypeError',
      'unknown field "initialState.extra" in the snapshot',
    ],
    [
      'initialState with a keyed circuit without key',
      { initialState: { ...snapshot, keys: [{ ...snapshot.keys, ...circuitOf(snapshot) }] } },
      'TypeError',
      'option "initialState.keys[0].key" must be a string, got undefined',
    ],
    [
      'initialState with a key twice',
      {
        initialState: {
          ...snapshot,
          keys: [
            { ...circuitOf(snapshot), key: 'a' },
            { ...circuitOf(snapshot), key: 'a' },
          ],
        },
      },
      'RangeError',
      'option "initialState.keys[1].key" must be a key not listed before, got "a"',
    ],
  ])('refuses %s, naming the option and the value', (_name, options, kind, message) => {
    const error = rejectionOf(options);
    expect(error.constructor.name).toBe(kind);
    expect(error.message).toContain(`Breaker: ${message}`);
  });

  it('prefixes messages with the source it is given', () => {
    expect(() => validateCircuitBreakerOptions({ halfOpenProbes: -1 }, '@CircuitBreaker')).toThrow(
      '@CircuitBreaker: option "halfOpenProbes" must be an integer >= 1, got -1',
    );
  });

  it.each<[string, unknown, string]>([
    ['a number', 5, 'Breaker: expected an options object, got 5'],
    ['an array', [], 'Breaker: expected an options object, got []'],
    ['a breaker', new Breaker(), 'Breaker: expected an options object'],
    [
      'a function',
      () => 1,
      'Breaker: expected an options object, got a function; write Breaker() with parentheses',
    ],
    ['null', null, 'Breaker: expected an options object, got null'],
  ])('refuses %s as the options', (_name, options, message) => {
    const error = rejectionOf(options);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(message);
  });

  it('does not read a key planted on Object.prototype', () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.failureRatio = 'polluted';
    prototype.halfOpenProbes = 7;
    try {
      const resolved = validateCircuitBreakerOptions({}, 'Breaker');
      expect(resolved.failureRatio).toBe(0.5);
      expect(resolved.halfOpenProbes).toBe(1);
      expect(new Breaker({ minimumThroughput: 2 }).options.halfOpenProbes).toBe(1);
    } finally {
      delete prototype.failureRatio;
      delete prototype.halfOpenProbes;
    }
  });

  it('reads a getter once: the value checked is the value kept', () => {
    let reads = 0;
    const options = {
      get consecutiveFailures() {
        reads += 1;
        return reads === 1 ? 2 : 0;
      },
    };
    const breaker = new Breaker(options);
    expect(reads).toBe(1);
    expect(breaker.options.consecutiveFailures).toBe(2);
  });

  it('ignores an explicit undefined, as "not given"', () => {
    expect(new Breaker({ failureRatio: undefined, maxKeys: undefined }).options).toMatchObject({
      failureRatio: 0.5,
      maxKeys: 1000,
    });
  });
});

function circuitOf(full: typeof snapshot): Record<string, unknown> {
  const { version: _version, isolated: _isolated, keys: _keys, ...circuit } = full;
  return circuit;
}
