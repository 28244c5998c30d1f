import { Hedge, HttpError, RateLimit, RateLimiter, stats } from '../../../src';

// A hedge starts with a copy of its step's call record: the first attempt's grant time (kept for
// the adaptive rate when it waited for its turn) must not date a hedge admitted at once.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

it('dates a hedge admitted at once from its own start, not from the first attempt’s grant', async () => {
  const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
  let started = 0;
  class Service {
    @Hedge({ delay: 300 })
    @RateLimit(limiter)
    async call(): Promise<string> {
      const id = ++started;
      if (id === 1) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return 'slow';
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new HttpError(429);
    }
  }
  limiter.tryAcquire(10, 0, Date.now()); // the burst is spent: the first attempt waits 100 ms
  const answer = new Service().call();
  await jest.advanceTimersByTimeAsync(200);
  limiter.recordThrottle(Date.now(), Date.now() - 50); // another call's throttle lowers the rate
  expect(stats(limiter)).toMatchObject({ decreases: 1 });
  await jest.advanceTimersByTimeAsync(110); // the hedge starts at once at 300 ms, throttled at 310
  expect(started).toBe(2);
  // Sent after that decrease, at the rate in force then: its throttle lowers the rate again.
  expect(stats(limiter)).toMatchObject({ throttles: 2, decreases: 2 });
  await jest.advanceTimersByTimeAsync(1000);
  await expect(answer).resolves.toBe('slow');
});
