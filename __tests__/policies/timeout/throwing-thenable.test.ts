import { currentAttempt, retryable } from '../../../src';

// A thenable whose `then` throws fails its attempt under @Timeout (the slow path adopts it as a
// rejection); the attempt's time limit must go with it, as for any attempt that settled.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

test('a thenable whose then throws leaves no time limit behind, nor aborts its attempt later', async () => {
  const reasons: unknown[] = [];
  let attempts = 0;
  const fetch = retryable(
    (): PromiseLike<string> => {
      attempts += 1;
      const { signal } = currentAttempt()!;
      signal.addEventListener('abort', () => reasons.push(signal.reason));
      if (attempts > 1) return Promise.resolve('second');
      return {
        then(): never {
          throw Object.assign(new Error('then threw'), { code: 'ECONNRESET' });
        },
      };
    },
    { timeout: 100, maxAttempts: 2, delays: [10], budget: false },
  );
  const call = fetch();
  await jest.advanceTimersByTimeAsync(10);
  await expect(call).resolves.toBe('second');
  expect(attempts).toBe(2);
  // The first attempt has failed: its limit is not scheduled, and never aborts its signal.
  expect(jest.getTimerCount()).toBe(0);
  await jest.advanceTimersByTimeAsync(100);
  expect(reasons).toEqual([]);
});
