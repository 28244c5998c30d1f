import { Breaker, CircuitBreaker, HttpError, RateLimit, RateLimiter, stats } from '../../../src';

// An attempt that waits for its rate-limit turn starts when the turn comes: a breaker's slow-call
// measure sees the dependency's latency, not the limiter's own wait. The adaptive rate still dates
// it from its grant: it was paced at the rate in force then.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

it('does not count the wait for a rate-limit turn as a slow call', async () => {
  const breaker = new Breaker({ slowCallDuration: 100, slowCallRatio: 0.5, minimumThroughput: 2 });
  class Service {
    @CircuitBreaker(breaker)
    @RateLimit({ limit: 1, interval: 1000 })
    async call(): Promise<string> {
      return 'ok';
    }
  }
  const service = new Service();
  await expect(service.call()).resolves.toBe('ok');
  for (let index = 0; index < 2; index++) {
    const waiting = service.call(); // its turn is 1000 ms away; the method answers at once
    await jest.advanceTimersByTimeAsync(1000);
    await expect(waiting).resolves.toBe('ok');
  }
  expect(breaker.state).toBe('closed');
});

it('does not lower the adaptive rate again for an attempt granted before a decrease', async () => {
  const limiter = new RateLimiter({ limit: 1, interval: 1000, adaptive: true });
  class Service {
    @RateLimit(limiter)
    async call(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new HttpError(429);
    }
  }
  const service = new Service();
  const first = service.call(); // its turn is now
  const second = service.call(); // granted now, at the full rate: its turn is 1000 ms away
  const settled = [
    expect(first).rejects.toThrow(HttpError),
    expect(second).rejects.toThrow(HttpError),
  ];
  await jest.advanceTimersByTimeAsync(10);
  expect(stats(limiter)).toMatchObject({ throttles: 1, decreases: 1 });
  await jest.advanceTimersByTimeAsync(1010);
  await Promise.all(settled);
  // Sent after the decrease, but granted before it: its throttle was already answered.
  expect(stats(limiter)).toMatchObject({ throttles: 2, decreases: 1 });
});
