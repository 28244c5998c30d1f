import {
  Breaker,
  BrokenCircuitError,
  ErrorCategory,
  HttpError,
  IsolatedCircuitError,
} from '../../../src';
import type { BreakerSnapshot, CircuitBreakerOptions, CircuitStateChange } from '../../../src';

const start = 1_800_000_000_000;
const serverError = new HttpError(503);

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

function fail(breaker: Breaker, key?: string, durationMs = 5): void {
  const ticket = breaker.enter(key);
  if (ticket !== 0) breaker.failed(key, ticket, serverError, ErrorCategory.RETRYABLE, durationMs);
}

function succeed(breaker: Breaker, key?: string, durationMs = 5): void {
  const ticket = breaker.enter(key);
  if (ticket !== 0) breaker.succeeded(key, ticket, durationMs);
}

/** Through JSON and back, as a snapshot stored in a file or a cache would come back. */
function throughJson(snapshot: BreakerSnapshot): BreakerSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as BreakerSnapshot;
}

describe('isolate()', () => {
  it('holds it open until every isolation is released; a release is idempotent', () => {
    const changes: CircuitStateChange[] = [];
    const breaker = new Breaker({ onStateChange: (change) => changes.push(change) });
    const first = breaker.isolate();
    const second = breaker.isolate();
    expect(breaker.state).toBe('isolated');
    expect(breaker.enter(undefined)).toBe(0);
    expect(breaker.enter('any key')).toBe(0);
    expect(breaker.stateOf('any key')).toBe('isolated');
    first();
    first(); // again: still one release
    expect(breaker.state).toBe('isolated');
    expect(breaker.remainingBreak(undefined)).toBe(Infinity);
    const refusal = breaker.refusal(undefined);
    expect(refusal).toBeInstanceOf(IsolatedCircuitError);
    expect(refusal).toBeInstanceOf(BrokenCircuitError);
    expect(refusal.code).toBe('TENACIOUS_CIRCUIT_ISOLATED');
    expect(refusal.retryAfter).toBe(Infinity);
    second();
    expect(breaker.state).toBe('closed');
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(changes).toEqual([
      { from: 'closed', to: 'isolated' },
      { from: 'isolated', to: 'closed' },
    ]);
  });

  it('ignores reports of attempts that entered before it, and closes every keyed circuit on release', () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    const inFlight = breaker.enter(undefined);
    fail(breaker, 'host-a');
    expect(breaker.stateOf('host-a')).toBe('open');
    const release = breaker.isolate();
    breaker.failed(undefined, inFlight, serverError, ErrorCategory.RETRYABLE, 5);
    release();
    expect(breaker.state).toBe('closed');
    expect(breaker.stateOf('host-a')).toBe('closed');
    breaker.failed(undefined, inFlight, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON()).toMatchObject({ opens: 0, keys: [] });
  });

  it('from an open circuit reports the change from open', () => {
    const changes: CircuitStateChange[] = [];
    const breaker = new Breaker({
      consecutiveFailures: 1,
      onStateChange: (change) => changes.push(change),
    });
    fail(breaker);
    breaker.isolate()();
    expect(changes).toEqual([
      { from: 'closed', to: 'open' },
      { from: 'open', to: 'isolated' },
      { from: 'isolated', to: 'closed' },
    ]);
  });
});

describe('toJSON() and initialState', () => {
  const options: CircuitBreakerOptions = {
    samplingDuration: 10_000,
    minimumThroughput: 5,
    breakDuration: { initial: 1_000, max: 8_000 },
  };

  it('is plain JSON: state, counts, the window and the opens', () => {
    const breaker = new Breaker(options);
    succeed(breaker);
    // toJSON reads the clock: the waiting success is stamped now, in the first bucket.
    expect(breaker.toJSON()).toMatchObject({ calls: 1, failures: 0 });
    jest.advanceTimersByTime(1_000);
    fail(breaker);
    fail(breaker);
    expect(throughJson(breaker.toJSON())).toEqual({
      version: 1,
      isolated: false,
      state: 'closed',
      opens: 0,
      breakEndsAt: null,
      consecutiveFailures: 2,
      calls: 3,
      failures: 2,
      slowCalls: 0,
      window: [
        [start, 1, 0, 0],
        [start + 1_000, 2, 2, 0],
      ],
      keys: [],
    });
  });

  it('carries a closed circuit and its window over: the restored one opens at the same call', () => {
    const breaker = new Breaker(options);
    for (let call = 0; call < 4; call += 1) fail(breaker);
    const restored = new Breaker({ ...options, initialState: throughJson(breaker.toJSON()) });
    expect(restored.toJSON()).toEqual(breaker.toJSON());
    fail(restored);
    expect(restored.state).toBe('open');
    // The restored window ages as the original would have.
    const aging = new Breaker({ ...options, initialState: throughJson(breaker.toJSON()) });
    jest.advanceTimersByTime(10_000);
    fail(aging);
    expect(aging.state).toBe('closed');
    expect(aging.toJSON()).toMatchObject({ calls: 1, failures: 1 });
  });

  it('puts each bucket back where it was when its start is not a whole number of ms', () => {
    // Buckets of 3.3 ms: the bucket of this time starts at 1710118368027.2998, and that start
    // divided by 3.3 is a hair below the bucket's number, which must not make it the bucket before.
    jest.setSystemTime(1_710_118_368_030);
    const sliding = { samplingDuration: 33, minimumThroughput: 2, failureRatio: 1 };
    const breaker = new Breaker(sliding);
    fail(breaker);
    const restored = new Breaker({ ...sliding, initialState: throughJson(breaker.toJSON()) });
    expect(restored.toJSON()).toEqual(breaker.toJSON());
    // Nine buckets on, the failure is still in the window: a second one opens both circuits.
    jest.advanceTimersByTime(29);
    fail(breaker);
    fail(restored);
    expect(breaker.state).toBe('open');
    expect(restored.state).toBe('open');
  });

  it('leaves out buckets of the snapshot that are older than the window by now', () => {
    const breaker = new Breaker(options);
    fail(breaker);
    jest.advanceTimersByTime(5_000);
    fail(breaker);
    const snapshot = throughJson(breaker.toJSON());
    expect(snapshot.window).toHaveLength(2);
    jest.advanceTimersByTime(5_000); // the first bucket has left the window
    const restored = new Breaker({ ...options, initialState: snapshot });
    expect(restored.toJSON()).toMatchObject({
      calls: 1,
      failures: 1,
      window: [[start + 5_000, 1, 1, 0]],
    });
  });

  it('carries an open circuit over: still open until its break ends by the wall clock', () => {
    const breaker = new Breaker(options);
    for (let call = 0; call < 5; call += 1) fail(breaker);
    jest.advanceTimersByTime(1_000);
    fail(breaker); // the trial call fails: second open, a 2,000 ms break
    const snapshot = throughJson(breaker.toJSON());
    expect(snapshot).toMatchObject({ state: 'open', opens: 2, breakEndsAt: start + 3_000 });

    jest.advanceTimersByTime(500); // the "restart" takes 500 ms
    const restored = new Breaker({ ...options, initialState: snapshot });
    expect(restored.state).toBe('open');
    expect(restored.remainingBreak(undefined)).toBe(1_500);
    expect(restored.enter(undefined)).toBe(0);
    jest.advanceTimersByTime(1_500);
    fail(restored); // the trial call fails again: the third open in a row lasts 4,000 ms
    expect(restored.remainingBreak(undefined)).toBe(4_000);
  });

  it('carries a half-open circuit over as a fresh round of trial calls', () => {
    const breaker = new Breaker({ ...options, consecutiveFailures: 1, minimumThroughput: 1 });
    fail(breaker);
    jest.advanceTimersByTime(1_000);
    expect(breaker.enter(undefined)).toBeGreaterThan(0); // a trial call that will never report
    const restored = new Breaker({
      consecutiveFailures: 1,
      initialState: throughJson(breaker.toJSON()),
    });
    expect(restored.state).toBe('half-open');
    succeed(restored);
    expect(restored.state).toBe('closed');
  });

  it('reports an isolation but does not restore it', () => {
    const breaker = new Breaker(options);
    breaker.isolate();
    const snapshot = throughJson(breaker.toJSON());
    expect(snapshot).toMatchObject({ isolated: true, state: 'closed' });
    expect(new Breaker({ ...options, initialState: snapshot }).state).toBe('closed');
  });

  it('ends a restored break no later than its break duration from now', () => {
    // A snapshot from a host whose clock ran ahead, or a made-up one, cannot hold the circuit
    // open for years.
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    fail(breaker);
    const farAhead = start + 365 * 24 * 3600 * 1000;
    const restored = new Breaker({
      consecutiveFailures: 1,
      breakDuration: 1_000,
      initialState: { ...throughJson(breaker.toJSON()), breakEndsAt: farAhead },
    });
    expect(restored.remainingBreak(undefined)).toBe(1_000);
    jest.setSystemTime(start + 1_000);
    expect(restored.enter(undefined)).toBeGreaterThan(0);
    expect(restored.state).toBe('half-open');
  });

  it('carries keyed circuits over, oldest first, keeping the most recent when maxKeys is lower', () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    for (const key of ['b', '__proto__', '1', 'a']) succeed(breaker, key);
    fail(breaker, '__proto__');
    const snapshot = throughJson(breaker.toJSON());
    expect(snapshot.keys.map(({ key }) => key)).toEqual(['b', '1', 'a', '__proto__']);
    const restored = new Breaker({ consecutiveFailures: 1, maxKeys: 2, initialState: snapshot });
    expect(restored.toJSON().keys.map(({ key }) => key)).toEqual(['a', '__proto__']);
    expect(restored.stateOf('__proto__')).toBe('open');
    expect(restored.stateOf('b')).toBe('closed');
  });
});

describe('onStateChange', () => {
  it('reports each change in order, with the key for keyed circuits', () => {
    const changes: CircuitStateChange[] = [];
    const breaker = new Breaker({
      consecutiveFailures: 1,
      breakDuration: 100,
      onStateChange: (change) => changes.push(change),
    });
    fail(breaker, 'host-a');
    fail(breaker);
    jest.advanceTimersByTime(100);
    succeed(breaker, 'host-a');
    expect(changes).toEqual([
      { from: 'closed', to: 'open', key: 'host-a' },
      { from: 'closed', to: 'open' },
      { from: 'open', to: 'half-open', key: 'host-a' },
      { from: 'half-open', to: 'closed', key: 'host-a' },
    ]);
  });

  it('a listener that throws disturbs nothing and is reported as a warning with the error as cause', () => {
    const warnings: Error[] = [];
    const emitWarning = jest
      .spyOn(process, 'emitWarning')
      .mockImplementation((warning: string | Error) => {
        warnings.push(warning as Error);
      });
    try {
      const bug = new Error('listener bug');
      const breaker = new Breaker({
        consecutiveFailures: 1,
        onStateChange: () => {
          throw bug;
        },
      });
      expect(() => fail(breaker)).not.toThrow();
      expect(breaker.state).toBe('open');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        name: 'TenaciousWarning',
        code: 'TENACIOUS_LISTENER_THREW',
        cause: bug,
        message: 'an onStateChange listener threw: Error: listener bug',
      });
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('an async listener that rejects is reported, not left unhandled', async () => {
    const warnings: Error[] = [];
    const emitWarning = jest
      .spyOn(process, 'emitWarning')
      .mockImplementation((warning: string | Error) => {
        warnings.push(warning as Error);
      });
    try {
      const breaker = new Breaker({
        consecutiveFailures: 1,
        onStateChange: async () => {
          throw 'rejected';
        },
      });
      fail(breaker);
      await Promise.resolve();
      await Promise.resolve();
      expect(warnings.map(({ cause }) => cause)).toEqual(['rejected']);
    } finally {
      emitWarning.mockRestore();
    }
  });
});

describe('keyed circuits', () => {
  it('keep one state per key', () => {
    const breaker = new Breaker({ consecutiveFailures: 2 });
    fail(breaker, 'host-a');
    fail(breaker, 'host-a');
    fail(breaker, 'host-b');
    expect(breaker.stateOf('host-a')).toBe('open');
    expect(breaker.stateOf('host-b')).toBe('closed');
    expect(breaker.state).toBe('closed');
    expect(breaker.enter('host-b')).toBeGreaterThan(0);
    expect(breaker.enter('host-a')).toBe(0);
    const refusal = breaker.refusal('host-a');
    expect(refusal.key).toBe('host-a');
    expect(refusal.message).toContain('"host-a"');
    expect(breaker.remainingBreak('host-a')).toBe(30_000);
    expect(breaker.remainingBreak('host-b')).toBe(0);
    expect(breaker.remainingBreak('never seen')).toBe(0);
  });

  it('thousands of keys stay within maxKeys, the open circuits kept over older closed ones', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, maxKeys: 100 });
    fail(breaker, 'down-1');
    fail(breaker, 'down-2');
    for (let index = 0; index < 5_000; index += 1) {
      succeed(breaker, `host-${index}`);
      if (index % 250 === 0) expect(breaker.toJSON().keys.length).toBeLessThanOrEqual(100);
    }
    const keys = breaker.toJSON().keys.map(({ key }) => key);
    expect(keys).toHaveLength(100);
    expect(keys.slice(0, 2)).toEqual(['down-1', 'down-2']);
    expect(keys.slice(2)).toEqual(
      Array.from({ length: 98 }, (_, index) => `host-${4_902 + index}`),
    );
    expect(breaker.stateOf('down-1')).toBe('open');
  });

  it('evicts the least recently used circuit when every one is open', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) fail(breaker, key);
    breaker.enter('a'); // refused, but used
    fail(breaker, 'd');
    expect(breaker.toJSON().keys.map(({ key }) => key)).toEqual(['c', 'a', 'd']);
    expect(breaker.stateOf('b')).toBe('closed'); // forgotten
  });

  it('a report for an evicted key changes nothing, and a new circuit for it starts closed', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, maxKeys: 1 });
    const ticket = breaker.enter('a');
    succeed(breaker, 'b'); // evicts a
    breaker.failed('a', ticket, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.stateOf('a')).toBe('closed');
    const fresh = breaker.enter('a');
    expect(fresh).not.toBe(ticket);
    breaker.failed('a', ticket, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.stateOf('a')).toBe('closed');
  });

  it('a ticket for one key does not count for another', () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    const ticketA = breaker.enter('a');
    breaker.enter('b');
    breaker.failed('b', ticketA, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.stateOf('b')).toBe('closed');
  });
});
