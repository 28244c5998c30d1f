import { ErrorCategory, HttpError, RetryContext, calculateBackoffDelay } from '../../src';
import { scriptedRandom } from '../backoff/seeded-random';
import { recordCallbacks } from './scripted-attempts';

const exact = { jitter: 'none', initialDelay: 100 } as const;

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** An operation that fails with a 503 on the first `failures` calls, then returns `result`. */
function flaky<Result>(failures: number, result: Result): jest.Mock<Promise<Result>, [number]> {
  let calls = 0;
  return jest.fn(async (_attempt: number) => {
    calls += 1;
    if (calls <= failures) throw new HttpError(503, {}, `failure ${calls}`);
    return result;
  });
}

describe('a new RetryContext', () => {
  it('starts at attempt 1 with nothing recorded', () => {
    const context = new RetryContext({ maxAttempts: 4 });
    expect(context.currentAttempt).toBe(1);
    expect(context.maxAttempts).toBe(4);
    expect(context.lastError).toBeUndefined();
    expect(context.shouldRetry()).toBe(false);
    expect(context.getDelay()).toBe(0);
  });

  it('has 3 attempts by default', () => {
    expect(new RetryContext().maxAttempts).toBe(3);
  });
});

describe('for await', () => {
  it('yields the attempts and waits the backoff before each retry', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 4 });
    const operation = flaky(2, 'report');
    const attempts: number[] = [];
    const run = (async () => {
      for await (const attempt of context) {
        attempts.push(attempt);
        try {
          return await operation(attempt);
        } catch (error) {
          context.recordFailure(error);
        }
      }
      return 'loop ended';
    })();
    await jest.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(199);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(1);
    await expect(run).resolves.toBe('report');
    expect(attempts).toEqual([1, 2, 3]);
    expect(operation.mock.calls).toEqual([[1], [2], [3]]);
  });

  it('yields 1..maxAttempts when no failure is recorded, without waiting', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 4 });
    const attempts: number[] = [];
    for await (const attempt of context) attempts.push(attempt);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends at the first success when the loop breaks', async () => {
    const context = new RetryContext(exact);
    const attempts: number[] = [];
    for await (const attempt of context) {
      attempts.push(attempt);
      break;
    }
    expect(attempts).toEqual([1]);
  });

  it('throws the recorded error itself when retries run out', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 3 });
    const errors = [1, 2, 3].map((call) => new HttpError(503, {}, `failure ${call}`));
    const attempts: number[] = [];
    const run = (async () => {
      for await (const attempt of context) {
        attempts.push(attempt);
        context.recordFailure(errors[attempt - 1]);
      }
    })();
    const assertion = expect(run).rejects.toBe(errors[2]);
    await jest.advanceTimersByTimeAsync(300);
    await assertion;
    expect(attempts).toEqual([1, 2, 3]);
    expect(context.lastError).toBe(errors[2]);
  });

  it('does not wait twice when the body already called wait()', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 3 });
    const attempts: number[] = [];
    const run = (async () => {
      for await (const attempt of context) {
        attempts.push(attempt);
        if (attempt === 3) return 'third';
        context.recordFailure(new HttpError(503));
        await context.wait();
      }
      return 'loop ended';
    })();
    await jest.advanceTimersByTimeAsync(300);
    await expect(run).resolves.toBe('third');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('stops with the signal reason when the signal option aborts a wait', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const context = new RetryContext({ ...exact, signal: controller.signal });
    const run = (async () => {
      for await (const _attempt of context) context.recordFailure(new HttpError(503));
    })();
    const assertion = expect(run).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(50);
    controller.abort(reason);
    await assertion;
    expect(context.currentAttempt).toBe(1);
  });
});

describe('for...of', () => {
  it('with an explicit await wait() waits the backoff', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 3 });
    const operation = flaky(2, 'done');
    const attempts: number[] = [];
    const run = (async () => {
      for (const attempt of context) {
        attempts.push(attempt);
        try {
          return await operation(attempt);
        } catch (error) {
          context.recordFailure(error);
          await context.wait();
        }
      }
      return 'loop ended';
    })();
    await jest.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await jest.advanceTimersByTimeAsync(201);
    await expect(run).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('without wait() yields the attempts without sleeping, then throws the last error', () => {
    const context = new RetryContext({ ...exact, maxAttempts: 3 });
    const errors = [1, 2, 3].map((call) => new HttpError(503, {}, `failure ${call}`));
    const attempts: number[] = [];
    let thrown: unknown;
    try {
      for (const attempt of context) {
        attempts.push(attempt);
        context.recordFailure(errors[attempt - 1]);
      }
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(errors[2]);
    expect(attempts).toEqual([1, 2, 3]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('yields 1..maxAttempts: a recorded retryable failure and an unrecorded one both go on', () => {
    const context = new RetryContext(exact);
    const attempts: number[] = [];
    for (const attempt of context) {
      attempts.push(attempt);
      if (attempt === 1) context.recordFailure(new HttpError(503));
    }
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('stops yielding when the deadline has passed and no failure was recorded', () => {
    const context = new RetryContext({ ...exact, maxAttempts: Infinity, deadline: 1000 });
    const attempts: number[] = [];
    for (const attempt of context) {
      attempts.push(attempt);
      if (attempt === 2) jest.setSystemTime(Date.now() + 1000);
    }
    expect(attempts).toEqual([1, 2]);
  });

  it('throws a non-retryable error at once', () => {
    const context = new RetryContext(exact);
    const forbidden = new HttpError(403);
    const attempts: number[] = [];
    let thrown: unknown;
    try {
      for (const attempt of context) {
        attempts.push(attempt);
        context.recordFailure(forbidden);
      }
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(forbidden);
    expect(attempts).toEqual([1]);
  });
});

describe('a context is iterated once', () => {
  it('a second for...of is a TypeError', () => {
    const context = new RetryContext(exact);
    for (const _attempt of context) break;
    expect(() => {
      for (const _attempt of context) break;
    }).toThrow(TypeError);
  });

  it('a for await after a for...of is a TypeError', async () => {
    const context = new RetryContext(exact);
    for (const _attempt of context) break;
    const second = (async () => {
      for await (const _attempt of context) break;
    })();
    await expect(second).rejects.toThrow(TypeError);
    await expect(second).rejects.toThrow(/already iterated/);
  });
});

describe('the seed-style loop', () => {
  it('recordFailure, shouldRetry, getDelay, wait and currentAttempt work together', async () => {
    const context = new RetryContext({ ...exact, maxAttempts: 4 });
    const operation = flaky(2, 'result');
    const delays: number[] = [];
    const attempts: number[] = [];
    const run = (async () => {
      for (;;) {
        attempts.push(context.currentAttempt);
        try {
          return await operation(context.currentAttempt);
        } catch (error) {
          context.recordFailure(error);
          expect(context.lastError).toBe(error);
          if (!context.shouldRetry()) throw error;
          delays.push(context.getDelay());
          await context.wait();
        }
      }
    })();
    await jest.advanceTimersByTimeAsync(300);
    await expect(run).resolves.toBe('result');
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([100, 200]);
    expect(context.currentAttempt).toBe(3);
  });

  it('shouldRetry turns false on the last attempt; wait() then rejects with the recorded error itself', async () => {
    const { onRetry, onGiveUp } = recordCallbacks();
    const context = new RetryContext({ ...exact, maxAttempts: 2, onRetry, onGiveUp });
    const first = new HttpError(503, {}, 'first');
    const second = new HttpError(503, {}, 'second');

    context.recordFailure(first);
    expect(context.shouldRetry()).toBe(true);
    expect(context.getDelay()).toBe(100);
    const waiting = context.wait();
    expect(onRetry.mock.calls).toEqual([[first, 1, 100]]);
    await jest.advanceTimersByTimeAsync(100);
    await waiting;
    expect(context.currentAttempt).toBe(2);
    expect(context.lastError).toBeUndefined();

    context.recordFailure(second);
    expect(context.shouldRetry()).toBe(false);
    expect(context.getDelay()).toBe(0);
    expect(onGiveUp.mock.calls).toEqual([[second, 2]]);
    await expect(context.wait()).rejects.toBe(second);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a non-retryable error: shouldRetry false, onGiveUp(error, 1), wait() rejects with it', async () => {
    const { onRetry, onGiveUp } = recordCallbacks();
    const context = new RetryContext({ ...exact, onRetry, onGiveUp });
    const unauthorized = new HttpError(401);
    context.recordFailure(unauthorized);
    expect(context.shouldRetry()).toBe(false);
    expect(onGiveUp.mock.calls).toEqual([[unauthorized, 1]]);
    await expect(context.wait()).rejects.toBe(unauthorized);
    expect(onRetry).not.toHaveBeenCalled();
    expect(context.currentAttempt).toBe(1);
  });

  it('wait() with nothing recorded is a TypeError', async () => {
    const context = new RetryContext(exact);
    await expect(context.wait()).rejects.toThrow(TypeError);
    await expect(context.wait()).rejects.toThrow(/recordFailure/);
  });

  it('wait() again after a wait, without a new failure, is a TypeError', async () => {
    const context = new RetryContext(exact);
    context.recordFailure(new HttpError(503));
    const waiting = context.wait();
    await jest.advanceTimersByTimeAsync(100);
    await waiting;
    await expect(context.wait()).rejects.toThrow(TypeError);
  });

  it('applies retryOn and retryCategories like withRetry', () => {
    class CustomError extends Error {}
    const byClass = new RetryContext({ retryOn: [CustomError] });
    byClass.recordFailure(new CustomError('transient'));
    expect(byClass.shouldRetry()).toBe(true);

    const byCategory = new RetryContext({ retryCategories: [ErrorCategory.AUTH_FAILURE] });
    byCategory.recordFailure(new HttpError(503));
    expect(byCategory.shouldRetry()).toBe(false);
  });

  it('honours Retry-After in getDelay', () => {
    const context = new RetryContext(exact);
    context.recordFailure(new HttpError(503, { 'retry-after': '5' }));
    expect(context.getDelay()).toBe(5000);
  });

  it('stops retrying when the next sleep would cross the deadline', async () => {
    const context = new RetryContext({
      jitter: 'none',
      initialDelay: 1000,
      maxAttempts: 10,
      deadline: 1500,
    });
    context.recordFailure(new HttpError(503));
    expect(context.shouldRetry()).toBe(true);
    const waiting = context.wait();
    await jest.advanceTimersByTimeAsync(1000);
    await waiting;
    // 1000 ms used, the next delay is 2000: 3000 > 1500.
    context.recordFailure(new HttpError(503));
    expect(context.shouldRetry()).toBe(false);
  });
});

describe('getDelay', () => {
  it('matches calculateBackoffDelay with the same injected random', async () => {
    const draws = [0.3, 0.7, 0.1];
    const context = new RetryContext({ maxAttempts: 4, random: scriptedRandom(...draws) });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      context.recordFailure(new HttpError(503));
      delays.push(context.getDelay());
      const waiting = context.wait();
      await jest.runAllTimersAsync();
      await waiting;
    }
    const expected = draws.map((draw, index) =>
      calculateBackoffDelay(index + 1, { random: () => draw }),
    );
    expect(delays).toEqual(expected);
    expect(delays).toEqual([300, 1400, 400]);
  });

  it('feeds decorrelated jitter the previous delay, as calculateBackoffDelay with previousDelay does', async () => {
    const options = { jitter: 'decorrelated', initialDelay: 100, random: () => 0.5 } as const;
    const context = new RetryContext({ ...options, maxAttempts: 4 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      context.recordFailure(new HttpError(503));
      delays.push(context.getDelay());
      const waiting = context.wait();
      await jest.runAllTimersAsync();
      await waiting;
    }
    let previousDelay = 100;
    const expected = [1, 2, 3].map(
      (attempt) => (previousDelay = calculateBackoffDelay(attempt, { ...options, previousDelay })),
    );
    expect(delays).toEqual(expected);
    expect(delays).toEqual([200, 350, 575]);
  });
});

describe('RetryContext.recordFailure called twice for one attempt', () => {
  it('is a TypeError, so one failed attempt is never counted twice against the cap', () => {
    const context = new RetryContext({ maxAttempts: 3, initialDelay: 0 });
    const first = new HttpError(503);
    context.recordFailure(first);
    expect(() => context.recordFailure(new HttpError(503))).toThrow(
      /already recorded for attempt 1/,
    );
    expect(context.lastError).toBe(first);
    expect(context.shouldRetry()).toBe(true);
  });
});
