import { RateLimiter, stats, withRetry } from '../../../src';

// What a hedge leaves behind, with jest's fake timers: a lost hedge still waiting for its rate-limit
// turn never runs and gives its units back; a hedge the rate limiter refuses costs no budget; no
// hedge starts once the caller has aborted; a hedge that failed synchronously does not stop the
// next one; hedges are capped by the retry lane's maxAttempts.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** A promise settled after `ms` fake milliseconds, whatever the attempt's signal says. */
function after<Value>(ms: number, value: Value): Promise<Value> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

test('a lost hedge waiting for its rate-limit turn is never invoked, and gives its units back', async () => {
  const limiter = new RateLimiter({ limit: 1, interval: 1000, maxWait: 5000 });
  let invocations = 0;
  const call = withRetry(
    async () => {
      invocations += 1;
      return after(100, 'first');
    },
    { hedge: { delay: 10 }, rateLimiter: limiter, budget: false },
  );
  await jest.advanceTimersByTimeAsync(100);
  await expect(call).resolves.toBe('first');
  await jest.advanceTimersByTimeAsync(2000);
  expect(invocations).toBe(1);
  expect(stats(limiter).granted).toBe(1);
});
