import {
  Breaker,
  CircuitBreaker,
  HttpError,
  Retry,
  RetryBudget,
  RetryContext,
  retryable,
  stats,
  withRetry,
} from '../../src';

// A retry the budget granted but that never reached the dependency (its attempt refused by the
// breaker or the rate limiter, or the deadline passed while `onRetry` ran) gives its token back:
// in an outage, refused retries must not drain a shared budget that other calls are owed.

beforeEach(() => {
  jest.useFakeTimers({ now: 1_800_000_000_500 }); // half-way through a budget bucket
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** One retry per 10 s window, whatever the traffic. */
const oneRetryPerWindow = () => new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });

/** A dependency that is down: each attempt throws a numbered 503. */
function outage() {
  let attempts = 0;
  return {
    get attempts() {
      return attempts;
    },
    fail(): never {
      attempts += 1;
      throw new HttpError(503, {}, `attempt ${attempts}`);
    },
  };
}

/** An `onRetry` that holds `breaker` open the first time it runs; `release()` closes it. */
function isolateOnFirstRetry(breaker: Breaker) {
  let release: (() => void) | undefined;
  return {
    onRetry: jest.fn(() => {
      release ??= breaker.isolate();
    }),
    release: () => release?.(),
  };
}

describe('a retry the breaker refuses after the budget granted it', () => {
  it('gives the token back: a synchronous @Retry method', () => {
    const budget = oneRetryPerWindow();
    const breaker = new Breaker({ consecutiveFailures: 100 });
    const dependency = outage();
    const isolation = isolateOnFirstRetry(breaker);
    class Orders {
      @Retry({ maxAttempts: 2, delays: [0], budget, onRetry: isolation.onRetry })
      @CircuitBreaker(breaker)
      get(): string {
        return dependency.fail();
      }
    }
    const orders = new Orders();
    expect(() => orders.get()).toThrow('attempt 1');
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget)).toMatchObject({ calls: 1, retries: 0, rejections: 0 });
    expect(stats(orders.get)).toMatchObject({ attempts: 1, retries: 0, rejections: 1 });

    // The next call is owed the window's one retry, and gets it.
    isolation.release();
    expect(() => orders.get()).toThrow('attempt 3');
    expect(dependency.attempts).toBe(3);
    expect(stats(budget)).toMatchObject({ calls: 2, retries: 1, rejections: 0 });
    expect(stats(orders.get)).toMatchObject({ attempts: 3, retries: 1 });
  });

  it('gives the token back: an async @Retry method, refused after its wait', async () => {
    const budget = oneRetryPerWindow();
    const breaker = new Breaker({ consecutiveFailures: 100 });
    const dependency = outage();
    class Orders {
      @Retry({ maxAttempts: 2, delays: [100], jitter: 'none', budget })
      @CircuitBreaker(breaker)
      async get(): Promise<string> {
        await Promise.resolve();
        return dependency.fail();
      }
    }
    const orders = new Orders();
    const first = expect(orders.get()).rejects.toThrow('attempt 1');
    // The breaker opens during the retry's wait (another caller's failures, an operator).
    await jest.advanceTimersByTimeAsync(50);
    const release = breaker.isolate();
    await jest.advanceTimersByTimeAsync(50);
    await first;
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);

    release();
    const second = expect(orders.get()).rejects.toThrow('attempt 3');
    await jest.advanceTimersByTimeAsync(100);
    await second;
    expect(budget.retriesInWindow).toBe(1);
  });

  it('gives the token back: a retryable function', async () => {
    const budget = oneRetryPerWindow();
    const breaker = new Breaker({ consecutiveFailures: 100 });
    const dependency = outage();
    const isolation = isolateOnFirstRetry(breaker);
    const get = retryable(
      async () => {
        await Promise.resolve();
        return dependency.fail();
      },
      { maxAttempts: 2, delays: [0], budget, circuitBreaker: breaker, onRetry: isolation.onRetry },
    );
    await expect(get()).rejects.toThrow('attempt 1');
    expect(budget.retriesInWindow).toBe(0);
    isolation.release();
    await expect(get()).rejects.toThrow('attempt 3');
    expect(budget.retriesInWindow).toBe(1);
  });

  it('gives the token back: an async generator method that fails before its first value', async () => {
    const budget = oneRetryPerWindow();
    const breaker = new Breaker({ consecutiveFailures: 100 });
    const dependency = outage();
    const isolation = isolateOnFirstRetry(breaker);
    class Feed {
      @Retry({ maxAttempts: 2, delays: [0], budget, onRetry: isolation.onRetry })
      @CircuitBreaker(breaker)
      async *read(): AsyncGenerator<number> {
        await Promise.resolve();
        yield dependency.fail();
      }
    }
    const drain = async () => {
      for await (const value of new Feed().read()) void value;
    };
    await expect(drain()).rejects.toThrow('attempt 1');
    expect(budget.retriesInWindow).toBe(0);
    isolation.release();
    await expect(drain()).rejects.toThrow('attempt 3');
    expect(budget.retriesInWindow).toBe(1);
  });
});

describe('a retry the rate limiter refuses after the budget granted it', () => {
  it('gives the token back (a synchronous method, whose turn is not now)', () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const get = retryable(() => dependency.fail(), {
      maxAttempts: 2,
      delays: [0],
      budget,
      rateLimiter: { limit: 1, interval: 10_000 },
    });
    expect(() => get()).toThrow('attempt 1');
    expect(dependency.attempts).toBe(1);
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);
  });
});

describe('a retry a policy outside the budget stops after the budget granted it', () => {
  it('gives the token back (a concurrency queue refusing a synchronous answer)', () => {
    const budget = oneRetryPerWindow();
    const get = retryable(() => 'not a promise', {
      maxAttempts: 2,
      delays: [0],
      retryOn: () => true,
      budget,
      concurrencyLimit: { maxConcurrent: 1, maxQueued: 1 },
    });
    expect(() => get()).toThrow('not a promise');
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);
  });
});

describe('a retry the deadline stops after onRetry', () => {
  const slowOnRetry = () => {
    jest.setSystemTime(Date.now() + 600);
  };

  it('gives the token back: withRetry', async () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const options = {
      maxAttempts: 2,
      delays: [500],
      jitter: 'none',
      budget,
      deadline: 1_000,
    } as const;
    await expect(
      withRetry(async () => dependency.fail(), { ...options, onRetry: slowOnRetry }),
    ).rejects.toThrow('attempt 1');
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);

    const second = expect(withRetry(async () => dependency.fail(), options)).rejects.toThrow(
      'attempt 3',
    );
    await jest.advanceTimersByTimeAsync(500);
    await second;
    expect(budget.retriesInWindow).toBe(1);
  });

  it('gives the token back: RetryContext', () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const context = new RetryContext({
      maxAttempts: 2,
      delays: [0],
      budget,
      deadline: 500,
      onRetry: slowOnRetry,
    });
    expect(() => {
      for (const attempt of context) {
        void attempt;
        try {
          dependency.fail();
        } catch (error) {
          context.recordFailure(error);
        }
      }
    }).toThrow('attempt 1');
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);
  });
});

describe('a retry the caller abandons before it runs', () => {
  it('gives the token back when the caller aborts during the wait (retryable)', async () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const get = retryable(
      async (_signal: AbortSignal) => {
        await Promise.resolve();
        return dependency.fail();
      },
      { maxAttempts: 2, delays: [1_000], jitter: 'none', budget },
    );
    const aborted = expect(get(controller.signal)).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    await aborted;
    expect(dependency.attempts).toBe(1);
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);
    expect(stats(get)).toMatchObject({ attempts: 1, retries: 0 });
  });

  it('gives the token back when onRetry aborts a synchronous call', () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const controller = new AbortController();
    const reason = new Error('stop retrying');
    const get = retryable((_signal: AbortSignal) => dependency.fail(), {
      maxAttempts: 2,
      delays: [0],
      budget,
      onRetry: () => controller.abort(reason),
    });
    expect(() => get(controller.signal)).toThrow(reason);
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(get)).toMatchObject({ attempts: 1, retries: 0 });
  });

  it('gives the token back when onRetry throws', () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const get = retryable(() => dependency.fail(), {
      maxAttempts: 2,
      delays: [0],
      budget,
      onRetry: () => {
        throw new Error('onRetry broke');
      },
    });
    expect(() => get()).toThrow('onRetry broke');
    expect(dependency.attempts).toBe(1);
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(get)).toMatchObject({ attempts: 1, retries: 0 });
  });

  it('gives the token back when RetryContext.wait() is aborted', async () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const controller = new AbortController();
    const reason = new Error('caller left');
    const context = new RetryContext({ maxAttempts: 2, delays: [1_000], jitter: 'none', budget });
    try {
      dependency.fail();
    } catch (error) {
      context.recordFailure(error);
    }
    const waiting = expect(context.wait(controller.signal)).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    await waiting;
    expect(budget.retriesInWindow).toBe(0);
  });
});
