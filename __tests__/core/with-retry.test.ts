import {
  ErrorCategory,
  HttpError,
  calculateBackoffDelay,
  withRetry,
  type FunctionRetryOptions,
} from '../../src';
import { scriptedRandom, seededRandom } from '../backoff/seeded-random';
import {
  alwaysRejects,
  recordCallbacks,
  rejectsThenResolves,
  systemError,
} from './scripted-attempts';

/** Exact, jitter-free delays: 100, 200, 400, ... */
const exact = { jitter: 'none', initialDelay: 100 } as const;

class CustomError extends Error {}
class SpecialCustomError extends CustomError {}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  // Whatever happened, nothing may stay scheduled.
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('withRetry basics', () => {
  it('retries until the call succeeds, waiting the backoff between attempts', async () => {
    const fn = rejectsThenResolves([new HttpError(503), new HttpError(503)], 'ok');
    const promise = withRetry(fn, exact);
    await jest.advanceTimersByTimeAsync(0);
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(fn).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('calls fn with no arguments and no this', async () => {
    const fn = jest.fn(function (this: unknown, ...args: unknown[]) {
      return { thisValue: this, args };
    });
    await expect(withRetry(fn)).resolves.toEqual({ thisValue: undefined, args: [] });
  });

  it('returns a promise even for a synchronous fn, and retries a synchronous throw asynchronously', async () => {
    let calls = 0;
    const promise = withRetry(() => {
      calls += 1;
      if (calls === 1) throw new HttpError(503);
      return calls;
    }, exact);
    expect(promise).toBeInstanceOf(Promise);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe(2);
  });

  it('rejects a non-function with a TypeError', () => {
    expect(() => withRetry(42 as unknown as () => number)).toThrow(TypeError);
  });

  it('gives up after maxAttempts and rejects with the last error itself', async () => {
    const errors = [1, 2, 3, 4].map((call) => new HttpError(503, {}, `failure ${call}`));
    const fn = alwaysRejects((call) => errors[call - 1]);
    const promise = withRetry(fn, { ...exact, maxAttempts: 4 });
    const assertion = expect(promise).rejects.toBe(errors[3]);
    await jest.advanceTimersByTimeAsync(100 + 200 + 400);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it('uses maxAttempts 3 by default', async () => {
    const fn = alwaysRejects(() => new HttpError(503));
    const promise = withRetry(fn, { jitter: 'none' });
    const assertion = expect(promise).rejects.toBeInstanceOf(HttpError);
    await jest.advanceTimersByTimeAsync(1000 + 2000);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('makes exactly one call with maxAttempts 1', async () => {
    const error = new HttpError(503);
    const fn = alwaysRejects(() => error);
    await expect(withRetry(fn, { maxAttempts: 1 })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('what is retried by default', () => {
  it.each<[string, unknown]>([
    ['HTTP 400', new HttpError(400)],
    ['HTTP 404', new HttpError(404)],
    ['HTTP 401 (AUTH_FAILURE)', new HttpError(401)],
    ['HTTP 403 (AUTH_FAILURE)', new HttpError(403)],
    ['HTTP 501', new HttpError(501)],
    ['an unknown Error', new Error('something odd')],
    ['a thrown string', 'plain string'],
    ['undefined', undefined],
  ])('does not retry %s: one call, the same error, onGiveUp(error, 1)', async (_name, error) => {
    const fn = alwaysRejects(() => error);
    const { onRetry, onGiveUp } = recordCallbacks();
    await expect(withRetry(fn, { ...exact, onRetry, onGiveUp })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onRetry).not.toHaveBeenCalled();
    expect(onGiveUp.mock.calls).toEqual([[error, 1]]);
  });

  it.each<[string, unknown]>([
    ['HTTP 429', new HttpError(429)],
    ['HTTP 500', new HttpError(500)],
    ['HTTP 502', new HttpError(502)],
    ['HTTP 503', new HttpError(503)],
    ['HTTP 408 (TIMEOUT)', new HttpError(408)],
    ['HTTP 504 (TIMEOUT)', new HttpError(504)],
    ['ECONNRESET (NETWORK)', systemError('ECONNRESET', 'read')],
    ['ECONNREFUSED (NETWORK)', systemError('ECONNREFUSED')],
    ['ETIMEDOUT (TIMEOUT)', systemError('ETIMEDOUT')],
  ])('retries %s', async (_name, error) => {
    const fn = rejectsThenResolves([error], 'recovered');
    const promise = withRetry(fn, exact);
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('recovered');
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('retryOn and retryCategories', () => {
  it('retries the listed classes (and subclasses), whatever their category', async () => {
    const fn = rejectsThenResolves([new CustomError('a'), new SpecialCustomError('b')], 'ok');
    const promise = withRetry(fn, { ...exact, retryOn: [CustomError] });
    await jest.advanceTimersByTimeAsync(300);
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('retries nothing else when retryOn is given, not even a 503', async () => {
    const error = new HttpError(503);
    const fn = alwaysRejects(() => error);
    await expect(withRetry(fn, { ...exact, retryOn: [CustomError] })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('asks a predicate, passing the error, its category and the attempt that failed', async () => {
    const first = new HttpError(503);
    const second = new HttpError(400);
    const fn = rejectsThenResolves([first, second], 'ok');
    const retryOn = jest.fn(
      (_error: unknown, _context: { category: ErrorCategory; attempt: number }) => true,
    );
    const promise = withRetry(fn, { ...exact, retryOn });
    await jest.advanceTimersByTimeAsync(300);
    await expect(promise).resolves.toBe('ok');
    expect(retryOn.mock.calls).toEqual([
      [first, { category: ErrorCategory.RETRYABLE, attempt: 1 }],
      [second, { category: ErrorCategory.NON_RETRYABLE, attempt: 2 }],
    ]);
  });

  it('does not retry when the predicate says no', async () => {
    const error = new HttpError(503);
    const fn = alwaysRejects(() => error);
    const retryOn = jest.fn(() => false);
    await expect(withRetry(fn, { ...exact, retryOn })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(retryOn).toHaveBeenCalledTimes(1);
  });

  it('retries only the given categories', async () => {
    const unauthorized = rejectsThenResolves([new HttpError(401)], 'ok');
    const promise = withRetry(unauthorized, {
      ...exact,
      retryCategories: [ErrorCategory.AUTH_FAILURE],
    });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(unauthorized).toHaveBeenCalledTimes(2);

    const unavailable = new HttpError(503);
    const fn = alwaysRejects(() => unavailable);
    await expect(
      withRetry(fn, { ...exact, retryCategories: [ErrorCategory.AUTH_FAILURE] }),
    ).rejects.toBe(unavailable);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('idempotent: false', () => {
  it.each<[string, unknown]>([
    ['ECONNREFUSED', systemError('ECONNREFUSED')],
    ['ENOTFOUND', systemError('ENOTFOUND', 'getaddrinfo')],
    ['HTTP 429', new HttpError(429)],
    ['HTTP 503', new HttpError(503)],
  ])('retries %s, which happened before the call was processed', async (_name, error) => {
    const fn = rejectsThenResolves([error], 'ok');
    const promise = withRetry(fn, { ...exact, idempotent: false });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it.each<[string, unknown]>([
    ['ECONNRESET', systemError('ECONNRESET', 'read')],
    ['HTTP 500', new HttpError(500)],
    ['HTTP 502', new HttpError(502)],
    ['HTTP 504', new HttpError(504)],
  ])('does not retry %s, which may come after the work was done', async (_name, error) => {
    const fn = alwaysRejects(() => error);
    await expect(withRetry(fn, { ...exact, idempotent: false })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('still applies retryOn: a refused connection is not retried when retryOn excludes it', async () => {
    const error = systemError('ECONNREFUSED');
    const fn = alwaysRejects(() => error);
    await expect(
      withRetry(fn, { ...exact, idempotent: false, retryOn: [CustomError] }),
    ).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('retryOnResult', () => {
  const tooMany = { status: 429 };
  const fine = { status: 200 };

  it('retries a result the predicate accepts until one is not', async () => {
    const results = [tooMany, tooMany, fine];
    const fn = jest.fn(async () => results.shift());
    const retryOnResult = jest.fn(
      (result: unknown) => (result as { status: number }).status === 429,
    );
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, retryOnResult, onRetry });
    await jest.advanceTimersByTimeAsync(300);
    await expect(promise).resolves.toBe(fine);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(retryOnResult).toHaveBeenCalledTimes(3);
    expect(onRetry.mock.calls.map(([result, attempt]) => [result, attempt])).toEqual([
      [tooMany, 1],
      [tooMany, 2],
    ]);
    expect(delays).toEqual([100, 200]);
  });

  it('returns the last result, not an error, when retries run out', async () => {
    let call = 0;
    const fn = jest.fn(async () => ({ status: 429, call: ++call }));
    const { onGiveUp } = recordCallbacks();
    const promise = withRetry(fn, {
      ...exact,
      maxAttempts: 3,
      retryOnResult: () => true,
      onGiveUp,
    });
    await jest.advanceTimersByTimeAsync(300);
    await expect(promise).resolves.toEqual({ status: 429, call: 3 });
    expect(fn).toHaveBeenCalledTimes(3);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp.mock.calls[0]).toEqual([{ status: 429, call: 3 }, 3]);
  });

  it('honours Retry-After on a result', async () => {
    const fn = jest
      .fn<Promise<{ status: number; headers: Record<string, string> }>, []>()
      .mockResolvedValueOnce({ status: 429, headers: { 'retry-after': '2' } })
      .mockResolvedValue({ status: 200, headers: {} });
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, {
      ...exact,
      retryOnResult: (result) => (result as { status: number }).status === 429,
      onRetry,
    });
    await jest.advanceTimersByTimeAsync(1999);
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toEqual({ status: 200, headers: {} });
    expect(delays).toEqual([2000]);
  });

  it('still retries errors alongside results', async () => {
    const fn = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new HttpError(503))
      .mockResolvedValueOnce('again')
      .mockResolvedValue('done');
    const promise = withRetry(fn, { ...exact, retryOnResult: (result) => result === 'again' });
    await jest.advanceTimersByTimeAsync(300);
    await expect(promise).resolves.toBe('done');
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

describe('deadline', () => {
  it('gives up instead of starting a sleep that would cross the deadline', async () => {
    // Delays 1000 then 2000: the second sleep would end at 3000 > 2500.
    const errors = [
      new HttpError(503, {}, 'first'),
      new HttpError(503, {}, 'second'),
      new HttpError(503, {}, 'third'),
    ];
    const fn = rejectsThenResolves(errors, 'too late');
    const { onRetry, onGiveUp, delays } = recordCallbacks();
    const promise = withRetry(fn, {
      jitter: 'none',
      maxAttempts: 10,
      deadline: 2500,
      onRetry,
      onGiveUp,
    });
    const assertion = expect(promise).rejects.toBe(errors[1]);
    await jest.advanceTimersByTimeAsync(1000);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(2);
    expect(delays).toEqual([1000]);
    expect(onGiveUp.mock.calls).toEqual([[errors[1], 2]]);
  });

  it('counts the time the attempts themselves took', async () => {
    // Each attempt takes 400 ms and fails; delays are 100, 200, 400...
    // t=400 fail (sleep 100 → 500), t=900 fail (sleep 200 → 1100), t=1500 fail: 1500 + 400 > 1800 → give up.
    let calls = 0;
    const fn = jest.fn(
      () =>
        new Promise<never>((_resolve, reject) => {
          calls += 1;
          setTimeout(() => reject(new HttpError(503, {}, `failure ${calls}`)), 400);
        }),
    );
    const promise = withRetry(fn, { ...exact, maxAttempts: Infinity, deadline: 1800 });
    const assertion = expect(promise).rejects.toHaveProperty('message', 'failure 3');
    await jest.advanceTimersByTimeAsync(1500);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('allows a sleep that ends exactly at the deadline', async () => {
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = withRetry(fn, { ...exact, deadline: 100 });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
  });

  it('returns the last result when the deadline stops retryOnResult', async () => {
    const fn = jest.fn(async () => 'pending');
    const promise = withRetry(fn, {
      ...exact,
      maxAttempts: Infinity,
      deadline: 250,
      retryOnResult: (result) => result === 'pending',
    });
    // 100 (ends at 100), 200 (would end at 300 > 250): stop after the second call.
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('pending');
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('onRetry and onGiveUp', () => {
  it('calls onRetry(error, attempt, delay) before each sleep and onGiveUp(error, attempts) once', async () => {
    const errors = [1, 2, 3, 4].map((call) => new HttpError(503, {}, `failure ${call}`));
    const fn = rejectsThenResolves(errors, 'never');
    const { onRetry, onGiveUp } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, maxAttempts: 4, onRetry, onGiveUp });
    const assertion = expect(promise).rejects.toBe(errors[3]);
    await jest.advanceTimersByTimeAsync(0);
    // Called before the sleep starts, not after it.
    expect(onRetry.mock.calls).toEqual([[errors[0], 1, 100]]);
    await jest.advanceTimersByTimeAsync(700);
    await assertion;
    expect(onRetry.mock.calls).toEqual([
      [errors[0], 1, 100],
      [errors[1], 2, 200],
      [errors[2], 3, 400],
    ]);
    expect(onGiveUp.mock.calls).toEqual([[errors[3], 4]]);
  });

  it('does not call onGiveUp when the call succeeds', async () => {
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const { onRetry, onGiveUp } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, onRetry, onGiveUp });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('lets an error thrown by onRetry propagate, with no sleep and no further attempt', async () => {
    const callbackFailure = new Error('onRetry broke');
    const fn = alwaysRejects(() => new HttpError(503));
    const onRetry = (): void => {
      throw callbackFailure;
    };
    await expect(withRetry(fn, { ...exact, onRetry })).rejects.toBe(callbackFailure);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('lets an error thrown by onGiveUp propagate', async () => {
    const callbackFailure = new Error('onGiveUp broke');
    const fn = alwaysRejects(() => new HttpError(400));
    const onGiveUp = (): void => {
      throw callbackFailure;
    };
    await expect(withRetry(fn, { ...exact, onGiveUp })).rejects.toBe(callbackFailure);
  });
});

describe('classifier option', () => {
  it('decides the category of an error', async () => {
    const fn = rejectsThenResolves([new CustomError('transient')], 'ok');
    const classifier = jest.fn((error: unknown) =>
      error instanceof CustomError ? ErrorCategory.RETRYABLE : undefined,
    );
    const promise = withRetry(fn, { ...exact, classifier });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(classifier).toHaveBeenCalledWith(expect.any(CustomError));
  });

  it('defers to classifyError when it returns undefined', async () => {
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = withRetry(fn, { ...exact, classifier: () => undefined });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('overrides classifyError: a 503 it calls NON_RETRYABLE is not retried', async () => {
    const error = new HttpError(503);
    const fn = alwaysRejects(() => error);
    await expect(
      withRetry(fn, { ...exact, classifier: () => ErrorCategory.NON_RETRYABLE }),
    ).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('lets an error thrown by the classifier propagate', async () => {
    const classifierFailure = new Error('classifier broke');
    const fn = alwaysRejects(() => new HttpError(503));
    const classifier = (): ErrorCategory => {
      throw classifierFailure;
    };
    await expect(withRetry(fn, { ...exact, classifier })).rejects.toBe(classifierFailure);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rejects with a TypeError when the classifier returns something that is not a category', async () => {
    const fn = alwaysRejects(() => new HttpError(503));
    const classifier = (() => 'RETRYABLE') as unknown as () => ErrorCategory;
    await expect(withRetry(fn, { ...exact, classifier })).rejects.toThrow(TypeError);
    await expect(withRetry(fn, { ...exact, classifier })).rejects.toThrow('"RETRYABLE"');
  });
});

describe('Retry-After', () => {
  it('waits the seconds of an HttpError retry-after header instead of a shorter backoff', async () => {
    const fn = rejectsThenResolves([new HttpError(503, { 'Retry-After': '3' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, onRetry });
    await jest.advanceTimersByTimeAsync(2999);
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([3000]);
  });

  it('waits until an HTTP-date', async () => {
    jest.setSystemTime(Date.UTC(2030, 0, 1, 12, 0, 0));
    const retryAt = new Date(Date.now() + 7000).toUTCString();
    const fn = rejectsThenResolves([new HttpError(429, { 'retry-after': retryAt })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, onRetry });
    await jest.advanceTimersByTimeAsync(7000);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([7000]);
  });

  it('reads x-amz-retry-after as milliseconds', async () => {
    const fn = rejectsThenResolves([new HttpError(503, { 'x-amz-retry-after': '1500' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, onRetry });
    await jest.advanceTimersByTimeAsync(1500);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([1500]);
  });

  it('clamps a long Retry-After to maxDelay', async () => {
    const fn = rejectsThenResolves([new HttpError(503, { 'retry-after': '120' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, maxDelay: 5000, onRetry });
    await jest.advanceTimersByTimeAsync(5000);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([5000]);
  });

  it('is a floor: a longer backoff wins over a shorter Retry-After', async () => {
    const fn = rejectsThenResolves([new HttpError(503, { 'retry-after': '1' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { jitter: 'none', initialDelay: 4000, onRetry });
    await jest.advanceTimersByTimeAsync(4000);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([4000]);
  });

  it('replaces a shorter jittered backoff', async () => {
    // full jitter with random 0.1: backoff 100; the server asked for 2000.
    const fn = rejectsThenResolves([new HttpError(503, { 'retry-after': '2' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { jitter: 'full', random: () => 0.1, onRetry });
    await jest.advanceTimersByTimeAsync(2000);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([2000]);
  });

  it('is ignored with respectRetryAfter: false', async () => {
    const fn = rejectsThenResolves([new HttpError(503, { 'retry-after': '30' })], 'ok');
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(fn, { ...exact, respectRetryAfter: false, onRetry });
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('ok');
    expect(delays).toEqual([100]);
  });
});

describe('two lanes with the rateLimit option', () => {
  // Rate-limit delays are exact too: proportional jitter with random 0.5 is base * 1.
  const twoLanes = (overrides: FunctionRetryOptions = {}): FunctionRetryOptions => ({
    ...exact,
    maxAttempts: 3,
    ...overrides,
    rateLimit: {
      initialDelay: 1000,
      maxAttempts: 4,
      jitter: 'proportional',
      random: () => 0.5,
      ...overrides.rateLimit,
    },
  });

  async function runToEnd(promise: Promise<unknown>): Promise<unknown> {
    const settled = promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await jest.runAllTimersAsync();
    return settled;
  }

  it('follows the rate-limit cap and schedule for 429s', async () => {
    const fn = alwaysRejects(() => new HttpError(429));
    const { onRetry, delays } = recordCallbacks();
    await runToEnd(withRetry(fn, twoLanes({ rateLimit: { onRetry } })));
    expect(fn).toHaveBeenCalledTimes(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('follows the retry cap and schedule for 503s', async () => {
    const fn = alwaysRejects(() => new HttpError(503));
    const { onRetry, delays } = recordCallbacks();
    await runToEnd(withRetry(fn, twoLanes({ onRetry })));
    expect(fn).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([100, 200]);
  });

  it('counts each lane separately and never multiplies: at most 1 + 2 + 3 calls', async () => {
    const errors: HttpError[] = [];
    const fn = alwaysRejects((call) => {
      const error = new HttpError(call % 2 === 1 ? 429 : 503, {}, `failure ${call}`);
      errors.push(error);
      return error;
    });
    const rateLimitCallbacks = recordCallbacks();
    const retryCallbacks = recordCallbacks();
    const outcome = await runToEnd(
      withRetry(
        fn,
        twoLanes({
          onRetry: retryCallbacks.onRetry,
          onGiveUp: retryCallbacks.onGiveUp,
          rateLimit: { onRetry: rateLimitCallbacks.onRetry },
        }),
      ),
    );
    expect(fn).toHaveBeenCalledTimes(6);
    expect(outcome).toEqual({ error: errors[5] });
    expect((outcome as { error: unknown }).error).toBe(errors[5]);
    // 429s: rate-limit failures 1, 2, 3; 503s: retry failures 1, 2.
    expect(
      rateLimitCallbacks.onRetry.mock.calls.map(([, attempt, delay]) => [attempt, delay]),
    ).toEqual([
      [1, 1000],
      [3, 2000],
      [5, 4000],
    ]);
    expect(retryCallbacks.onRetry.mock.calls.map(([, attempt, delay]) => [attempt, delay])).toEqual(
      [
        [2, 100],
        [4, 200],
      ],
    );
    expect(retryCallbacks.onGiveUp.mock.calls).toEqual([[errors[5], 6]]);
  });

  it('gives up on a 429 when the rate-limit lane is exhausted, even with room in the retry lane', async () => {
    const fn = alwaysRejects(() => new HttpError(429));
    await runToEnd(withRetry(fn, twoLanes({ maxAttempts: 5, rateLimit: { maxAttempts: 2 } })));
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('treats rateLimitErrors classes as rate limits', async () => {
    class QuotaError extends Error {}
    const fn = alwaysRejects(() => new QuotaError('quota'));
    const { onRetry, delays } = recordCallbacks();
    await runToEnd(
      withRetry(fn, twoLanes({ rateLimit: { rateLimitErrors: [QuotaError], onRetry } })),
    );
    expect(fn).toHaveBeenCalledTimes(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('retries a 429 in the retry lane when there is no rate-limit lane', async () => {
    const fn = alwaysRejects(() => new HttpError(429));
    const { onRetry, delays } = recordCallbacks();
    await runToEnd(withRetry(fn, { ...exact, maxAttempts: 3, onRetry }));
    expect(fn).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([100, 200]);
  });

  it('uses the rate-limit defaults: 5 attempts from 2000 ms', async () => {
    const fn = alwaysRejects(() => new HttpError(429));
    const { onRetry, delays } = recordCallbacks();
    await runToEnd(
      withRetry(fn, { rateLimit: { jitter: 'proportional', random: () => 0.5, onRetry } }),
    );
    expect(fn).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([2000, 4000, 8000, 16000]);
  });
});

describe('injected random', () => {
  async function recordSchedule(options: FunctionRetryOptions): Promise<number[]> {
    const { onRetry, delays } = recordCallbacks();
    const promise = withRetry(
      alwaysRejects(() => new HttpError(503)),
      { maxAttempts: 6, ...options, onRetry },
    );
    const assertion = expect(promise).rejects.toBeInstanceOf(HttpError);
    await jest.runAllTimersAsync();
    await assertion;
    return delays;
  }

  it('gives the same schedule for the same seed', async () => {
    const first = await recordSchedule({ random: seededRandom(42) });
    const second = await recordSchedule({ random: seededRandom(42) });
    const other = await recordSchedule({ random: seededRandom(7) });
    expect(first).toHaveLength(5);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('matches calculateBackoffDelay fed the same random values', async () => {
    const delays = await recordSchedule({ random: seededRandom(42) });
    const random = seededRandom(42);
    const expected = [1, 2, 3, 4, 5].map((attempt) => calculateBackoffDelay(attempt, { random }));
    expect(delays).toEqual(expected);
  });

  it('is what full jitter scales the base by', async () => {
    // base 1000 * 0.5, base 2000 * 0.25, base 4000 * 1
    const delays = await recordSchedule({
      maxAttempts: 4,
      random: scriptedRandom(0.5, 0.25, 0.9999),
    });
    expect(delays).toEqual([500, 500, 4000]);
  });

  it('reads jitter: true as full jitter and jitter: false as none', async () => {
    const half = (): number => 0.5;
    expect(await recordSchedule({ maxAttempts: 3, jitter: true, random: half })).toEqual([
      500, 1000,
    ]);
    expect(await recordSchedule({ maxAttempts: 3, jitter: false, random: half })).toEqual([
      1000, 2000,
    ]);
  });

  it('feeds decorrelated jitter the previous delay', async () => {
    const random = scriptedRandom(0.5);
    const delays = await recordSchedule({
      maxAttempts: 4,
      jitter: 'decorrelated',
      initialDelay: 100,
      random,
    });
    // U(100, 300) → 200, U(100, 600) → 350, U(100, 1050) → 575
    expect(delays).toEqual([200, 350, 575]);
  });
});
