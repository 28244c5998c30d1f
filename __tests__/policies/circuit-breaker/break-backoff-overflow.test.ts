import { Breaker, ErrorCategory, HttpError } from '../../../src';

// A break backoff from `initial: 0` stays at 0 however many opens in a row: 0 x 2^1024 is NaN in
// doubles, which must not become the break (a NaN break never ends a half-open round).

const start = 1_800_000_000_000;

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('a break backoff starting at 0 after more than 1024 opens in a row', () => {
  it('keeps breaks of 0 ms, so a trial call that never reports is given up on', () => {
    const breaker = new Breaker({
      consecutiveFailures: 1,
      breakDuration: { initial: 0, max: 1000 },
    });
    for (let open = 0; open < 1100; open += 1) {
      const ticket = breaker.enter(undefined);
      expect(ticket).toBeGreaterThan(0);
      breaker.failed(undefined, ticket, new HttpError(503), ErrorCategory.RETRYABLE, 1);
      expect(breaker.state).toBe('open');
    }
    expect(breaker.remainingBreak(undefined)).toBe(0);
    // A trial call that hangs: with a break of 0 ms, the next caller starts a new round.
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(breaker.state).toBe('half-open');
    jest.advanceTimersByTime(1);
    expect(breaker.enter(undefined)).toBeGreaterThan(0);
    expect(breaker.remainingBreak(undefined)).toBe(0);
  });
});
