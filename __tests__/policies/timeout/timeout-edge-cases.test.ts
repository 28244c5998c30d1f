import { AttemptTimeoutError, withRetry } from '../../../src';

// @Timeout at its edges, with jest's fake timers: a signal aborted while the method starts.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

test('an attempt whose signal aborts while the method starts still settles at once', async () => {
  const controller = new AbortController();
  const reason = new Error('caller left');
  const call = withRetry(
    () => {
      // The caller's abort arrives while the method is starting (it ignores its signal).
      controller.abort(reason);
      return new Promise<string>(() => undefined);
    },
    { timeout: 50, budget: false, signal: () => controller.signal },
  );
  const settled = call.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  await jest.advanceTimersByTimeAsync(60);
  await expect(Promise.race([settled, Promise.resolve('pending')])).resolves.toBe(reason);
});

test('a timed-out attempt without retries rejects with AttemptTimeoutError', async () => {
  const call = withRetry(() => new Promise<string>(() => undefined), {
    timeout: 50,
    maxAttempts: 1,
  });
  const settled = call.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  await jest.advanceTimersByTimeAsync(60);
  expect(await settled).toBeInstanceOf(AttemptTimeoutError);
});
