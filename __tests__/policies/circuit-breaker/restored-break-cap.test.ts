import { Breaker } from '../../../src';
import type { BreakerSnapshot } from '../../../src';

// A restored open circuit's break ends no later than its break duration from now: a snapshot from
// a host whose clock ran ahead, or a made-up one, cannot hold the circuit open for years.

const start = 1_800_000_000_000;

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

function closedSnapshot(overrides: Partial<Record<keyof BreakerSnapshot, unknown>>): unknown {
  return {
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
    ...overrides,
  };
}

describe('an initialState whose break ends far in the future', () => {
  it('does not keep a circuit open longer than its longest break from now', () => {
    const breaker = new Breaker({
      breakDuration: 1000,
      initialState: {
        ...(closedSnapshot({}) as BreakerSnapshot),
        state: 'open',
        opens: 1,
        breakEndsAt: start + 365 * 24 * 3600 * 1000,
      },
    });
    expect(breaker.remainingBreak(undefined)).toBe(1000);
    jest.setSystemTime(start + 1000);
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(breaker.state).toBe('half-open');
  });
});
