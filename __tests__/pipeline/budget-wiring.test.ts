import {
  HttpError,
  Retry,
  RetryBudget,
  RetryContext,
  RetryDefaults,
  retryable,
  withRetry,
} from '../../src';

// The retry budget in the pipeline: counted per call, asked before each retry; a refused retry
// ends the call with its last real error, and onGiveUp is called.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** One retry per 10 s window, whatever the traffic. */
const oneRetryPerWindow = () => new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });

/** Synchronous retries that never wait. */
const instant = { maxAttempts: 3, delays: [0] } as const;

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

describe('a budget named by two classes', () => {
  it('is one budget: the retry one class spent is not there for the other', () => {
    const budget = oneRetryPerWindow();
    const dependency = outage();
    const onGiveUp = jest.fn();
    class Orders {
      @Retry({ ...instant, budget, onGiveUp })
      get(): string {
        return dependency.fail();
      }
    }
    @RetryDefaults({ budget })
    class Invoices {
      @Retry(instant)
      get(): string {
        return dependency.fail();
      }
    }
    // Attempt 1 fails, the one retry is granted, attempt 2 fails, the next retry is refused.
    expect(() => new Orders().get()).toThrow('attempt 2');
    expect(onGiveUp.mock.calls).toEqual([[expect.objectContaining({ status: 503 }), 2]]);
    // Invoices gets no retry at all.
    expect(() => new Invoices().get()).toThrow('attempt 3');
    expect(dependency.attempts).toBe(3);
    expect(budget.callsInWindow).toBe(2);
    expect(budget.retriesInWindow).toBe(1);
    // A new window, a new allowance.
    jest.advanceTimersByTime(10_000);
    expect(() => new Invoices().get()).toThrow('attempt 5');
  });
});

describe('the default budget', () => {
  /** Calls `get` until a call ends after one attempt; returns the calls made. */
  function callsUntilRefused(get: () => unknown, dependency: ReturnType<typeof outage>): number {
    for (let calls = 1; calls <= 1_000; calls++) {
      const before = dependency.attempts;
      expect(get).toThrow(HttpError);
      if (dependency.attempts - before === 1) return calls;
    }
    throw new Error('the budget never refused a retry');
  }

  it('is one per decorated class, shared by its methods and instances', () => {
    const dependency = outage();
    class Catalog {
      @Retry({ ...instant, maxAttempts: 2 })
      first(): string {
        return dependency.fail();
      }

      @Retry({ ...instant, maxAttempts: 2 })
      second(): string {
        return dependency.fail();
      }
    }
    class Other {
      @Retry({ ...instant, maxAttempts: 2 })
      get(): string {
        return dependency.fail();
      }
    }
    // A flat 10 retries a second over 10 s is 100 retries, plus a tenth of the calls: call n may
    // retry while its n - 1 earlier retries are fewer than 100 + 0.1 n, so up to call 112.
    let instance = 0;
    const calls = callsUntilRefused(
      () => (instance++ % 2 === 0 ? new Catalog().first() : new Catalog().second()),
      dependency,
    );
    expect(calls).toBe(113);
    // Its other method shares the exhausted budget; another class has its own.
    const before = dependency.attempts;
    expect(() => new Catalog().second()).toThrow(HttpError);
    expect(dependency.attempts - before).toBe(1);
    expect(() => new Other().get()).toThrow(HttpError);
    expect(dependency.attempts - before).toBe(3);
  });

  it('is one per retryable function, and none for withRetry', async () => {
    const dependency = outage();
    const first = retryable(() => dependency.fail(), { ...instant, maxAttempts: 2 });
    const second = retryable(() => dependency.fail(), { ...instant, maxAttempts: 2 });
    expect(callsUntilRefused(first, dependency)).toBe(113);
    const before = dependency.attempts;
    expect(second).toThrow(HttpError);
    expect(dependency.attempts - before).toBe(2);

    let attempts = 0;
    for (let call = 0; call < 150; call++) {
      await expect(
        withRetry(
          () => {
            attempts += 1;
            throw new HttpError(503);
          },
          { ...instant, maxAttempts: 2 },
        ),
      ).rejects.toThrow(HttpError);
    }
    expect(attempts).toBe(300);
  });

  it('budget: false turns it off, in @Retry and in @RetryDefaults', () => {
    const dependency = outage();
    class Unbudgeted {
      @Retry({ ...instant, maxAttempts: 2, budget: false })
      get(): string {
        return dependency.fail();
      }
    }
    @RetryDefaults({ budget: false })
    class UnbudgetedByDefaults {
      @Retry({ ...instant, maxAttempts: 2 })
      get(): string {
        return dependency.fail();
      }
    }
    for (let call = 0; call < 200; call++) {
      expect(() => new Unbudgeted().get()).toThrow(HttpError);
      expect(() => new UnbudgetedByDefaults().get()).toThrow(HttpError);
    }
    expect(dependency.attempts).toBe(800);
  });
});

describe('a refused retry', () => {
  it('ends an async call with its last real error after onGiveUp', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });
    const onGiveUp = jest.fn();
    const onRetry = jest.fn();
    let attempts = 0;
    const call = withRetry(
      async () => {
        attempts += 1;
        throw new HttpError(503, {}, `attempt ${attempts}`);
      },
      { maxAttempts: 5, initialDelay: 10, jitter: 'none', budget, onGiveUp, onRetry },
    );
    const settled = expect(call).rejects.toThrow('attempt 2');
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp.mock.calls[0][1]).toBe(2);
  });

  it('ends a RetryContext, which steps the same loop', () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });
    const onGiveUp = jest.fn();
    const first = new RetryContext({ budget, onGiveUp });
    first.recordFailure(new HttpError(503));
    expect(first.shouldRetry()).toBe(true);
    const second = new RetryContext({ budget, onGiveUp });
    const error = new HttpError(503);
    second.recordFailure(error);
    expect(second.shouldRetry()).toBe(false);
    expect(onGiveUp).toHaveBeenCalledWith(error, 1);
  });

  it.each([
    ['@Retry', () => Retry({ budget: 5 as never })],
    ['@RetryDefaults', () => RetryDefaults({ budget: {} as never })],
    ['withRetry', () => withRetry(() => 1, { budget: true as never })],
  ])('%s refuses a budget that is not a RetryBudget or false, naming it', (_name, define) => {
    expect(define).toThrow(/budget/);
  });
});
