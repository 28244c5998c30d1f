import {
  ConcurrencyLimit,
  ConcurrencyLimiter,
  Fallback,
  Retry,
  RateLimiter,
  retryable,
  withRetry,
} from '../../src';

// What a call takes when it is admitted (a concurrency slot) is given back however it ends, and
// the user's `signal` option runs once per call whichever policies need the signal.

afterEach(() => {
  jest.useRealTimers();
});

describe('a call whose user code throws after its attempt', () => {
  it('gives its concurrency slot back when retryOnResult throws on an async result', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const predicateBug = new Error('predicate bug');
    const call = () =>
      withRetry(async () => 'ok', {
        concurrencyLimit: limiter,
        budget: false,
        retryOnResult: () => {
          throw predicateBug;
        },
      });
    await expect(call()).rejects.toBe(predicateBug);
    expect(limiter.running).toBe(0);
    await expect(call()).rejects.toBe(predicateBug); // not TENACIOUS_CONCURRENCY_LIMIT
    expect(limiter.running).toBe(0);
  });

  it('gives its concurrency slot back when onSuccess throws', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const hookBug = new Error('onSuccess bug');
    class Service {
      @ConcurrencyLimit(limiter)
      @Retry({
        budget: false,
        onSuccess: () => {
          throw hookBug;
        },
      })
      async call(): Promise<string> {
        return 'ok';
      }
    }
    const service = new Service();
    await expect(service.call()).rejects.toBe(hookBug);
    expect(limiter.running).toBe(0);
    await expect(service.call()).rejects.toBe(hookBug);
    expect(limiter.running).toBe(0);
  });

  it('closes a stream that started when onSuccess throws: nobody else can', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const hookBug = new Error('onSuccess bug');
    const closed: string[] = [];
    const events = retryable(
      async function* (): AsyncGenerator<number> {
        try {
          yield 1;
          yield 2;
        } finally {
          closed.push('closed');
        }
      },
      {
        concurrencyLimit: limiter,
        budget: false,
        onSuccess: () => {
          throw hookBug;
        },
      },
    );
    const stream = events();
    await expect(stream.next()).rejects.toBe(hookBug);
    expect(closed).toEqual(['closed']);
    expect(limiter.running).toBe(0);
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('rejects with what onSuccess throws even when the stream’s return() never settles', async () => {
    const hookBug = new Error('onSuccess bug');
    let closing = 0;
    const events = retryable(
      async function* (): AsyncGenerator<number> {
        try {
          yield 1;
        } finally {
          closing += 1;
          await new Promise<never>(() => {}); // its return() never settles
        }
      },
      {
        budget: false,
        onSuccess: () => {
          throw hookBug;
        },
      },
    );
    await expect(events().next()).rejects.toBe(hookBug);
    expect(closing).toBe(1);
  });

  it('offers a retryOnResult error to @Fallback, as a synchronous call does', async () => {
    const predicateBug = new Error('predicate bug');
    class Service {
      @Fallback('fallen back')
      @Retry({
        budget: false,
        retryOnResult: () => {
          throw predicateBug;
        },
      })
      async call(): Promise<string> {
        return 'ok';
      }
    }
    await expect(new Service().call()).resolves.toBe('fallen back');
  });
});

describe('the signal option', () => {
  const failing = async (): Promise<never> => {
    throw Object.assign(new Error('503'), { status: 503 });
  };

  it('runs once per call when a rate limiter makes the first attempt and a retry wait', async () => {
    jest.useFakeTimers();
    const limiter = new RateLimiter({ limit: 1, interval: 20 });
    limiter.tryAcquire(1, 0, Date.now()); // the first attempt waits for its turn too
    const signal = jest.fn(() => new AbortController().signal);
    const call = withRetry(failing, {
      rateLimiter: limiter,
      budget: false,
      initialDelay: 1,
      jitter: 'none',
      maxAttempts: 2,
      signal,
    });
    const settled = expect(call).rejects.toThrow('503');
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(signal).toHaveBeenCalledTimes(1);
  });

  it('runs once per call when a call waits in a concurrency queue and is retried', async () => {
    jest.useFakeTimers();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 5 });
    const blocker = withRetry(() => new Promise((resolve) => setTimeout(resolve, 20)), {
      concurrencyLimit: limiter,
      budget: false,
    });
    const signal = jest.fn(() => new AbortController().signal);
    const call = withRetry(failing, {
      concurrencyLimit: limiter,
      budget: false,
      initialDelay: 1,
      jitter: 'none',
      maxAttempts: 2,
      signal,
    });
    const settled = expect(call).rejects.toThrow('503');
    await jest.advanceTimersByTimeAsync(100);
    await blocker;
    await settled;
    expect(signal).toHaveBeenCalledTimes(1);
  });
});

describe("@Fallback's on predicate", () => {
  it('is refused with a TypeError naming it when it returns a promise', async () => {
    const failure = new Error('down');
    const call = withRetry(
      async () => {
        throw failure;
      },
      {
        budget: false,
        maxAttempts: 1,
        fallback: { to: 'fallen back', on: (() => Promise.resolve(false)) as never },
      },
    );
    const thrown: unknown = await call.catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).message).toMatch(/option "on" of @Fallback returned a promise/);
    expect((thrown as TypeError).cause).toBe(failure);
  });
});
