import { Breaker, CircuitBreaker, HttpError, RateLimit } from '../../../src';

// A `cost` that fails (throws, or answers NaN) ends the call with its error; the attempt never ran,
// so what the policies outside the rate limiter took for it is given back.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

it("gives a half-open breaker's trial call back when the rate limiter's cost fails", async () => {
  const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1000 });
  let cost = 1;
  let fail = true;
  class Service {
    @CircuitBreaker(breaker)
    @RateLimit({ limit: 100, interval: 1000, cost: () => cost })
    async call(): Promise<string> {
      if (fail) throw new HttpError(503);
      return 'ok';
    }
  }
  const service = new Service();
  await expect(service.call()).rejects.toBeInstanceOf(HttpError);
  expect(breaker.state).toBe('open');
  jest.advanceTimersByTime(1000);
  cost = NaN;
  await expect(service.call()).rejects.toThrow(/option "cost" returned NaN/);
  // The trial call that failed before it ran is not still out: the next call is the trial call.
  cost = 1;
  fail = false;
  await expect(service.call()).resolves.toBe('ok');
  expect(breaker.state).toBe('closed');
});
