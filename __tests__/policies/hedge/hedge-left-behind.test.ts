import { getEventListeners } from 'node:events';
import {
  Breaker,
  HttpError,
  RateLimiter,
  RetryBudget,
  currentAttempt,
  stats,
  withRetry,
} from '../../../src';

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

test('a hedge the rate limiter refuses is not charged to the retry budget', async () => {
  // One retry (or hedge) per window, and a limiter that lets one attempt through and never waits.
  const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });
  const limiter = new RateLimiter({ limit: 1, interval: 10_000, maxWait: 0 });
  let invocations = 0;
  const call = withRetry(
    async () => {
      invocations += 1;
      return after(50, 'ok');
    },
    { hedge: { delay: 10 }, rateLimiter: limiter, budget },
  );
  await jest.advanceTimersByTimeAsync(50);
  await expect(call).resolves.toBe('ok');
  expect(invocations).toBe(1);
  expect(stats(budget).retries).toBe(0);
  expect(budget.retriesInWindow).toBe(0);
});

test('no hedge starts once the caller has aborted, even when the method ignores its signal', async () => {
  const controller = new AbortController();
  let invocations = 0;
  const call = withRetry(
    async () => {
      invocations += 1;
      return after(100, invocations);
    },
    { hedge: { delay: 30 }, budget: false, signal: () => controller.signal },
  );
  const settled = call.then(
    () => 'resolved',
    () => 'rejected',
  );
  await jest.advanceTimersByTimeAsync(10);
  controller.abort(new Error('caller gave up'));
  // Only the first attempt's own timer is left: the hedge's is cleared.
  expect(jest.getTimerCount()).toBe(1);
  await jest.advanceTimersByTimeAsync(25);
  expect(invocations).toBe(1);
  await jest.advanceTimersByTimeAsync(100);
  await settled;
  expect(invocations).toBe(1);
});

test('a hedge that failed synchronously does not stop the next one', async () => {
  const started: number[] = [];
  const call = withRetry(
    () => {
      const { attempt } = currentAttempt()!;
      started.push(attempt);
      if (attempt === 2) throw new Error('refused synchronously');
      return after(attempt === 1 ? 1000 : 10, attempt);
    },
    { hedge: { delay: 10, maxHedges: 2 }, maxAttempts: 3, budget: false, retryOn: () => false },
  );
  await jest.advanceTimersByTimeAsync(30);
  expect(started).toEqual([1, 2, 3]);
  await expect(call).resolves.toBe(3);
  await jest.advanceTimersByTimeAsync(1000);
});

test('hedges are capped by the retry lane, not by a larger rate-limit lane', async () => {
  const started: number[] = [];
  const call = withRetry(
    async () => {
      const { attempt, signal } = currentAttempt()!;
      started.push(attempt);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(attempt), 1000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        });
      });
    },
    {
      hedge: { delay: 10, maxHedges: 5 },
      maxAttempts: 2,
      rateLimit: { maxAttempts: 6 },
      budget: false,
    },
  );
  await jest.advanceTimersByTimeAsync(1000);
  await expect(call).resolves.toBe(1);
  expect(started).toEqual([1, 2]);
});

test("a lost hedge that never settles leaves no listener on the caller's signal", async () => {
  const controller = new AbortController();
  let invocations = 0;
  const call = withRetry(
    () => {
      invocations += 1;
      // The first attempt ignores its signal and never settles.
      return invocations === 1 ? new Promise<string>(() => undefined) : after(1, 'hedge');
    },
    { hedge: { delay: 10 }, signal: controller.signal, budget: false },
  );
  await jest.advanceTimersByTimeAsync(20);
  await expect(call).resolves.toBe('hedge');
  expect(invocations).toBe(2);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});

test('a lost hedge that never settles gives its half-open trial call back at once', async () => {
  const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1000, halfOpenProbes: 2 });
  let invocations = 0;
  const options = { hedge: { delay: 10 }, circuitBreaker: breaker, budget: false } as const;
  const open = withRetry(() => Promise.reject(new HttpError(503)), options);
  await expect(open).rejects.toThrow(HttpError);
  expect(breaker.state).toBe('open');
  await jest.advanceTimersByTimeAsync(1000);

  // Two trial calls: the first attempt ignores its signal and never settles, its hedge wins.
  const trial = withRetry(() => {
    invocations += 1;
    return invocations === 1 ? new Promise<string>(() => undefined) : after(1, 'hedge');
  }, options);
  await jest.advanceTimersByTimeAsync(20);
  await expect(trial).resolves.toBe('hedge');
  expect(breaker.state).toBe('half-open');

  // The lost attempt's place goes to the next call, which closes the circuit.
  const next = withRetry(() => after(1, 'next'), options);
  await jest.advanceTimersByTimeAsync(1);
  await expect(next).resolves.toBe('next');
  expect(breaker.state).toBe('closed');
});
