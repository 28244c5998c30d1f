import { Breaker, BrokenCircuitError, ErrorCategory, HttpError, stats } from '../../../src';
import type { CircuitBreakerOptions, CircuitStateChange } from '../../../src';

// The breaker's state machine, driven the way the interceptor drives it (enter, then succeeded or
// failed with the ticket), with the wall clock under jest's fake timers.

const start = 1_800_000_000_000; // a multiple of every bucket width used here
const serverError = new HttpError(503);

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

/** One attempt through the breaker: refused (false), or run and reported. */
function attempt(
  breaker: Breaker,
  outcome: 'success' | 'failure' | { error: unknown; category: ErrorCategory },
  durationMs = 5,
  key?: string,
): boolean {
  const ticket = breaker.enter(key);
  if (ticket === 0) return false;
  if (outcome === 'success') breaker.succeeded(key, ticket, durationMs);
  else if (outcome === 'failure') {
    breaker.failed(key, ticket, serverError, ErrorCategory.RETRYABLE, durationMs);
  } else breaker.failed(key, ticket, outcome.error, outcome.category, durationMs);
  return true;
}

function times(count: number, action: () => void): void {
  for (let index = 0; index < count; index += 1) action();
}

function recording(options: CircuitBreakerOptions = {}): {
  breaker: Breaker;
  changes: CircuitStateChange[];
} {
  const changes: CircuitStateChange[] = [];
  const breaker = new Breaker({ ...options, onStateChange: (change) => changes.push(change) });
  return { breaker, changes };
}

describe('consecutive failures', () => {
  it('opens at the n-th failure in a row, and a success ends the row', () => {
    const breaker = new Breaker({ consecutiveFailures: 3 });
    times(2, () => attempt(breaker, 'failure'));
    attempt(breaker, 'success');
    times(2, () => attempt(breaker, 'failure'));
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open');
    expect(breaker.enter(undefined)).toBe(0);
  });

  it('does not wait for minimumThroughput', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, minimumThroughput: 100 });
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open');
  });
});

describe('failure ratio over the sliding window', () => {
  it('does not open before minimumThroughput calls, however many fail', () => {
    const breaker = new Breaker({ minimumThroughput: 10, failureRatio: 0.5 });
    times(9, () => attempt(breaker, 'failure'));
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('opens exactly at the ratio: 3 failures in 30 calls at 0.1, not at 2', () => {
    const breaker = new Breaker({ minimumThroughput: 30, failureRatio: 0.1 });
    times(28, () => attempt(breaker, 'success'));
    times(1, () => attempt(breaker, 'failure'));
    attempt(breaker, 'failure'); // 2 of 30
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure'); // 3 of 31
    expect(breaker.state).toBe('closed');
    const exact = new Breaker({ minimumThroughput: 30, failureRatio: 0.1 });
    times(27, () => attempt(exact, 'success'));
    times(2, () => attempt(exact, 'failure'));
    expect(exact.state).toBe('closed');
    attempt(exact, 'failure'); // 3 of 30 = 0.1
    expect(exact.state).toBe('open');
  });

  it('forgets failures older than the window, a bucket (samplingDuration / 10) at a time', () => {
    const breaker = new Breaker({ samplingDuration: 10_000, minimumThroughput: 4 });
    times(3, () => attempt(breaker, 'failure')); // bucket [0, 1000)
    jest.advanceTimersByTime(9_999); // bucket [9000, 10000): the first bucket still counts
    attempt(breaker, 'success');
    expect(breaker.toJSON()).toMatchObject({ calls: 4, failures: 3 });
    jest.advanceTimersByTime(1); // t = 10000: the first bucket has left the window
    expect(breaker.toJSON()).toMatchObject({ calls: 1, failures: 0 });
    times(2, () => attempt(breaker, 'failure'));
    expect(breaker.state).toBe('closed'); // 2 of 3: under minimumThroughput
    attempt(breaker, 'failure'); // 3 of 4
    expect(breaker.state).toBe('open');
  });

  it('a success never opens it, even over the ratio with throughput reached', () => {
    const breaker = new Breaker({ minimumThroughput: 4 });
    times(3, () => attempt(breaker, 'failure'));
    attempt(breaker, 'success');
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON()).toMatchObject({ calls: 4, failures: 3 });
  });
});

describe('successes stamped at the next clock read', () => {
  it('reads no clock for a success while closed in consecutive mode without slow calls', () => {
    const breaker = new Breaker({ consecutiveFailures: 3 });
    const clock = jest.spyOn(Date, 'now');
    try {
      times(100, () => attempt(breaker, 'success'));
      expect(clock).not.toHaveBeenCalled();
    } finally {
      clock.mockRestore();
    }
  });

  it('in the window, reads the clock once per 16 successes, and stamps them all then', () => {
    const breaker = new Breaker({ samplingDuration: 10_000 });
    const clock = jest.spyOn(Date, 'now');
    try {
      times(15, () => attempt(breaker, 'success'));
      expect(clock).not.toHaveBeenCalled();
      attempt(breaker, 'success'); // the 16th: all 16 stamped at t = 0
      expect(clock).toHaveBeenCalledTimes(1);
      times(15, () => attempt(breaker, 'success'));
      expect(clock).toHaveBeenCalledTimes(1);
    } finally {
      clock.mockRestore();
    }
    jest.advanceTimersByTime(10_000); // the 16 have left; the 15 waiting are stamped now
    expect(breaker.toJSON()).toMatchObject({ calls: 15, failures: 0 });
  });

  it('a failure stamps the waiting successes first: the ratio counts them', () => {
    const { breaker, changes } = recording({ minimumThroughput: 4, failureRatio: 0.5 });
    times(3, () => attempt(breaker, 'success'));
    attempt(breaker, 'failure'); // 1 / 4
    expect(breaker.toJSON()).toMatchObject({ calls: 4, failures: 1 });
    attempt(breaker, 'failure'); // 2 / 5
    expect(changes).toEqual([]);
    attempt(breaker, 'failure'); // 3 / 6
    expect(changes).toEqual([{ from: 'closed', to: 'open' }]);
  });
});

describe('break durations', () => {
  it('stays open for breakDuration, then admits one trial call', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 5_000 });
    attempt(breaker, 'failure');
    expect(breaker.remainingBreak(undefined)).toBe(5_000);
    jest.advanceTimersByTime(4_999);
    expect(breaker.enter(undefined)).toBe(0);
    expect(breaker.remainingBreak(undefined)).toBe(1);
    jest.advanceTimersByTime(1);
    expect(breaker.remainingBreak(undefined)).toBe(0);
    expect(breaker.state).toBe('open'); // moves on the next enter, not by a timer
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(breaker.state).toBe('half-open');
  });

  it('grows with each open in a row and starts again after a close', () => {
    const { breaker, changes } = recording({
      consecutiveFailures: 1,
      breakDuration: { initial: 1_000, max: 5_000, exponentialBase: 3 },
    });
    const breaks: number[] = [];
    attempt(breaker, 'failure');
    for (let open = 0; open < 4; open += 1) {
      const remaining = breaker.remainingBreak(undefined);
      breaks.push(remaining);
      jest.advanceTimersByTime(remaining);
      expect(attempt(breaker, 'failure')).toBe(true); // the trial call fails: open again
    }
    expect(breaks).toEqual([1_000, 3_000, 5_000, 5_000]);
    expect(breaker.toJSON().opens).toBe(5);
    jest.advanceTimersByTime(breaker.remainingBreak(undefined));
    attempt(breaker, 'success');
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure');
    expect(breaker.remainingBreak(undefined)).toBe(1_000);
    expect(changes.map(({ to }) => to)).toEqual([
      ...['open', 'half-open', 'open', 'half-open', 'open', 'half-open', 'open'],
      ...['half-open', 'open', 'half-open', 'closed', 'open'],
    ]);
  });

  it('with exponentialBase left out, doubles', () => {
    const breaker = new Breaker({
      consecutiveFailures: 1,
      breakDuration: { initial: 10, max: 1e6 },
    });
    const breaks: number[] = [];
    attempt(breaker, 'failure');
    for (let open = 0; open < 3; open += 1) {
      breaks.push(breaker.remainingBreak(undefined));
      jest.advanceTimersByTime(breaker.remainingBreak(undefined));
      attempt(breaker, 'failure');
    }
    expect(breaks).toEqual([10, 20, 40]);
  });
});

describe('half-open', () => {
  function openedBreaker(options: CircuitBreakerOptions = {}): Breaker {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000, ...options });
    attempt(breaker, 'failure');
    jest.advanceTimersByTime(1_000);
    return breaker;
  }

  it.each([1, 3])(
    'admits exactly halfOpenProbes (%i) of 1,000 callers at once; the rest get retryAfter',
    (halfOpenProbes) => {
      const breaker = openedBreaker({ halfOpenProbes });
      const tickets = Array.from({ length: 1_000 }, () => breaker.enter(undefined));
      const admitted = tickets.filter((ticket) => ticket !== 0);
      expect(admitted).toHaveLength(halfOpenProbes);
      expect(new Set(admitted).size).toBe(1); // one generation
      const refusal = breaker.refusal(undefined);
      expect(refusal).toBeInstanceOf(BrokenCircuitError);
      expect(refusal.code).toBe('TENACIOUS_CIRCUIT_OPEN');
      // While the trial calls run, a refused caller is told the longest it may have to wait.
      expect(refusal.retryAfter).toBe(1_000);
      expect(refusal.message).toBe(
        `the circuit is half-open and its trial calls are running; another is admitted in 1000 ms at the latest`,
      );
      expect(breaker.state).toBe('half-open');
    },
  );

  it('says no break remains while a trial call can still be admitted', () => {
    const breaker = openedBreaker({ halfOpenProbes: 2 });
    breaker.enter(undefined);
    expect(breaker.state).toBe('half-open');
    expect(breaker.remainingBreak(undefined)).toBe(0);
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(breaker.remainingBreak(undefined)).toBe(1_000);
  });

  it('closes when every trial call succeeds', () => {
    const { breaker, changes } = recording({ consecutiveFailures: 1, halfOpenProbes: 2 });
    attempt(breaker, 'failure');
    jest.advanceTimersByTime(30_000);
    const first = breaker.enter(undefined);
    const second = breaker.enter(undefined);
    breaker.succeeded(undefined, first, 5);
    expect(breaker.state).toBe('half-open');
    expect(breaker.enter(undefined)).toBe(0);
    breaker.succeeded(undefined, second, 5);
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON()).toMatchObject({ opens: 0, calls: 0, consecutiveFailures: 0 });
    expect(changes).toEqual([
      { from: 'closed', to: 'open' },
      { from: 'open', to: 'half-open' },
      { from: 'half-open', to: 'closed' },
    ]);
  });

  it('opens again for a longer break when a trial call fails', () => {
    const breaker = openedBreaker({ breakDuration: { initial: 1_000, max: 60_000 } });
    expect(attempt(breaker, 'failure')).toBe(true);
    expect(breaker.state).toBe('open');
    expect(breaker.remainingBreak(undefined)).toBe(2_000);
  });

  it('counts an answer that is not a failure (a 404) as a successful trial call', () => {
    const breaker = openedBreaker();
    attempt(breaker, { error: new HttpError(404), category: ErrorCategory.NON_RETRYABLE });
    expect(breaker.state).toBe('closed');
  });

  it('a trial call its caller aborted counts for nothing and gives its place back', () => {
    const breaker = openedBreaker({ halfOpenProbes: 2 });
    const aborted = breaker.enter(undefined);
    const second = breaker.enter(undefined);
    expect(breaker.enter(undefined)).toBe(0);
    breaker.cancelled(undefined, aborted);
    const third = breaker.enter(undefined);
    expect(third).toBeGreaterThan(0);
    expect(breaker.enter(undefined)).toBe(0);
    breaker.succeeded(undefined, second, 5);
    breaker.succeeded(undefined, third, 5);
    expect(breaker.state).toBe('closed');
  });

  it('an AbortError reported as a failure is a cancellation: neither a failure nor a success', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const breaker = openedBreaker();
    const probe = breaker.enter(undefined);
    breaker.failed(undefined, probe, abort, ErrorCategory.NON_RETRYABLE, 5);
    expect(breaker.state).toBe('half-open');
    expect(attempt(breaker, 'success')).toBe(true);
    expect(breaker.state).toBe('closed');
    attempt(breaker, { error: abort, category: ErrorCategory.NON_RETRYABLE });
    expect(breaker.toJSON()).toMatchObject({ calls: 0, failures: 0 });
  });

  it('a cancellation while closed counts nothing', () => {
    const breaker = new Breaker({ consecutiveFailures: 2 });
    attempt(breaker, 'failure');
    breaker.cancelled(undefined, breaker.enter(undefined));
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('gives up on trial calls that never report after a whole break, and starts a round', () => {
    const breaker = openedBreaker();
    const lost = breaker.enter(undefined);
    jest.advanceTimersByTime(999);
    expect(breaker.enter(undefined)).toBe(0);
    expect(breaker.remainingBreak(undefined)).toBe(1);
    jest.advanceTimersByTime(1);
    const fresh = breaker.enter(undefined);
    expect(fresh).toBeGreaterThan(0);
    expect(fresh).not.toBe(lost);
    breaker.failed(undefined, lost, serverError, ErrorCategory.RETRYABLE, 5); // too late: ignored
    expect(breaker.state).toBe('half-open');
    breaker.succeeded(undefined, fresh, 5);
    expect(breaker.state).toBe('closed');
  });
});

describe('tickets from before a change of state', () => {
  it('a failure that entered while closed does not reopen a half-open circuit', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const slowAttempt = breaker.enter(undefined);
    attempt(breaker, 'failure'); // opens
    jest.advanceTimersByTime(1_000);
    const probe = breaker.enter(undefined);
    breaker.failed(undefined, slowAttempt, serverError, ErrorCategory.RETRYABLE, 2_000);
    expect(breaker.state).toBe('half-open');
    breaker.succeeded(undefined, probe, 5);
    expect(breaker.state).toBe('closed');
  });

  it('a success that entered while closed does not close a half-open circuit', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const slowAttempt = breaker.enter(undefined);
    attempt(breaker, 'failure');
    jest.advanceTimersByTime(1_000);
    breaker.enter(undefined); // the trial call, still running
    breaker.succeeded(undefined, slowAttempt, 2_000);
    expect(breaker.state).toBe('half-open');
  });

  it('a report from before an open and a close is not counted in the new closed state', () => {
    const breaker = new Breaker({ consecutiveFailures: 2, breakDuration: 1_000 });
    const old = breaker.enter(undefined);
    times(2, () => attempt(breaker, 'failure'));
    jest.advanceTimersByTime(1_000);
    attempt(breaker, 'success');
    expect(breaker.state).toBe('closed');
    breaker.failed(undefined, old, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.toJSON().consecutiveFailures).toBe(0);
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('closed'); // one failure in the row, not two
  });

  it('a success from before an open and a close is not counted in the new closed state', () => {
    const breaker = new Breaker({ consecutiveFailures: 2, breakDuration: 1_000 });
    const old = breaker.enter(undefined);
    times(2, () => attempt(breaker, 'failure'));
    jest.advanceTimersByTime(1_000);
    attempt(breaker, 'success');
    attempt(breaker, 'failure');
    const successes = stats(breaker).successes;
    breaker.succeeded(undefined, old, 5); // would reset the row of failures, were it counted
    expect(stats(breaker).successes).toBe(successes);
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open'); // two failures in a row
  });

  it('a refused attempt (ticket 0) reports nothing', () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    attempt(breaker, 'failure');
    breaker.succeeded(undefined, 0, 5);
    breaker.failed(undefined, 0, serverError, ErrorCategory.RETRYABLE, 5);
    expect(breaker.toJSON()).toMatchObject({ state: 'open', opens: 1 });
  });

  it('the ticket stays the same while closed', () => {
    const breaker = new Breaker();
    const first = breaker.enter(undefined);
    attempt(breaker, 'success');
    expect(breaker.enter(undefined)).toBe(first);
    expect(first).toBeGreaterThan(0);
  });
});

describe('slow calls', () => {
  const slowOptions = {
    slowCallDuration: 1_000,
    slowCallRatio: 0.5,
    minimumThroughput: 4,
  } as const;

  it('opens when slowCallRatio of the calls took slowCallDuration or longer, succeeding or not', () => {
    const breaker = new Breaker(slowOptions);
    attempt(breaker, 'success', 999);
    attempt(breaker, 'success', 999);
    attempt(breaker, 'success', 1_000);
    expect(breaker.state).toBe('closed');
    attempt(breaker, { error: new HttpError(404), category: ErrorCategory.NON_RETRYABLE }, 5_000);
    expect(breaker.state).toBe('open');
    expect(breaker.toJSON().opens).toBe(1);
  });

  it('also in consecutive mode, which then keeps a window for them', () => {
    const breaker = new Breaker({ ...slowOptions, consecutiveFailures: 5 });
    times(2, () => attempt(breaker, 'success', 10));
    times(2, () => attempt(breaker, 'success', 2_000));
    expect(breaker.state).toBe('open');
  });

  it('are not looked at when the options leave them out', () => {
    const breaker = new Breaker({ minimumThroughput: 4 });
    times(10, () => attempt(breaker, 'success', 600_000));
    expect(breaker.state).toBe('closed');
    expect(breaker.toJSON().slowCalls).toBe(0);
  });

  it('a slow trial call counts as a failed one', () => {
    const breaker = new Breaker({ ...slowOptions, consecutiveFailures: 1, breakDuration: 100 });
    attempt(breaker, 'failure');
    jest.advanceTimersByTime(100);
    attempt(breaker, 'success', 1_000);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(100);
    attempt(breaker, 'success', 999);
    expect(breaker.state).toBe('closed');
  });
});

describe('failureOn', () => {
  const throttling = Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

  it.each<[string, unknown, ErrorCategory]>([
    ['a 404', new HttpError(404), ErrorCategory.NON_RETRYABLE],
    ['a 401 auth failure', new HttpError(401), ErrorCategory.AUTH_FAILURE],
    ['a 403 auth failure', new HttpError(403), ErrorCategory.AUTH_FAILURE],
    ['a 429 HttpError', new HttpError(429, { 'retry-after': '1' }), ErrorCategory.RETRYABLE],
    ['an AWS ThrottlingException', throttling, ErrorCategory.RETRYABLE],
  ])('%s does not open it, and ends a row of failures', (_name, error, category) => {
    const breaker = new Breaker({ consecutiveFailures: 2, minimumThroughput: 1 });
    times(50, () => attempt(breaker, { error, category }));
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure');
    attempt(breaker, { error, category });
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('closed');
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('open');
  });

  it('the 429 is not counted even when RETRYABLE is listed; its category is what failureOn reads', () => {
    const ratio = new Breaker({ minimumThroughput: 2 });
    times(20, () =>
      attempt(ratio, { error: new HttpError(429), category: ErrorCategory.RETRYABLE }),
    );
    expect(ratio.toJSON()).toMatchObject({ calls: 20, failures: 0, state: 'closed' });
  });

  it.each([
    [ErrorCategory.RETRYABLE, serverError],
    [ErrorCategory.TIMEOUT, Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })],
    [ErrorCategory.NETWORK, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
  ])('counts %s by default', (category, error) => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    attempt(breaker, { error, category });
    expect(breaker.state).toBe('open');
  });

  it('counts only the categories given', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, failureOn: [ErrorCategory.TIMEOUT] });
    attempt(breaker, 'failure');
    expect(breaker.state).toBe('closed');
    attempt(breaker, { error: new Error('late'), category: ErrorCategory.TIMEOUT });
    expect(breaker.state).toBe('open');
  });
});
