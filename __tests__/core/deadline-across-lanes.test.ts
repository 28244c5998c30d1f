import { HttpError, withRetry } from '../../src';

// DESIGN: `deadline` is the "total ms budget". With two lanes on one call, the tightest deadline
// bounds every sleep, whichever lane it belongs to.
describe('a deadline with two lanes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('bounds the rate-limit lane too when it is given on the retry lane', async () => {
    const throttled = new HttpError(429);
    const fn = jest.fn(async () => {
      throw throttled;
    });
    const delays: number[] = [];
    const promise = withRetry(fn, {
      deadline: 1000,
      rateLimit: {
        initialDelay: 800,
        random: () => 0.999,
        onRetry: (_error, _attempt, delay) => void delays.push(delay),
      },
    });
    const assertion = expect(promise).rejects.toBe(throttled);
    await jest.runAllTimersAsync();
    await assertion;
    // 799 ms fits the 1000 ms budget; the next wait (about 1600 ms) would cross it, so it is not started.
    expect(delays).toEqual([799]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('uses the tighter of two deadlines', async () => {
    const unavailable = new HttpError(503);
    const fn = jest.fn(async () => {
      throw unavailable;
    });
    const promise = withRetry(fn, {
      deadline: 10_000,
      maxAttempts: 10,
      initialDelay: 400,
      jitter: 'none',
      rateLimit: { deadline: 1000 },
    });
    const assertion = expect(promise).rejects.toBe(unavailable);
    await jest.runAllTimersAsync();
    await assertion;
    // Waits of 400 (total 400) fit; the next, 800 (total 1200), would cross 1000.
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
