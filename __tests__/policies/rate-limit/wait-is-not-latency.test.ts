import { Breaker, CircuitBreaker, RateLimit } from '../../../src';

// An attempt that waits for its rate-limit turn starts when the turn comes: a breaker's slow-call
// measure sees the dependency's latency, not the limiter's own wait.

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
