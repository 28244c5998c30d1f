import { withRetry } from '../../../src';

// README, "When your own callback fails": a retryOnResult that throws ends the call at once, with
// no further attempt, and with exactly what it threw. Under @Hedge the predicate is asked for each
// hedged attempt (so that a retried value never wins the step): its error must still end the call,
// not become an attempt failure that the retry loop classifies, retries, or gives up on.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

test('a retryOnResult that throws under a hedge ends the call with no further attempt', async () => {
  // A retryable-looking error (a network code): the retry loop would retry it as a failure.
  const predicateError = Object.assign(new Error('body read failed'), { code: 'ECONNRESET' });
  const onGiveUp = jest.fn();
  const onRetry = jest.fn();
  let invocations = 0;
  const call = withRetry(
    async () => {
      invocations += 1;
      return 'value';
    },
    {
      hedge: { delay: 100 },
      retryOnResult: () => {
        throw predicateError;
      },
      initialDelay: 1,
      budget: false,
      onRetry,
      onGiveUp,
    },
  );
  const settled = call.then(
    (value) => value,
    (error: unknown) => error,
  );
  await jest.advanceTimersByTimeAsync(500);
  expect(await settled).toBe(predicateError);
  expect(invocations).toBe(1);
  expect(onRetry).not.toHaveBeenCalled();
  expect(onGiveUp).not.toHaveBeenCalled();
});
