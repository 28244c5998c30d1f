import {
  BrokenCircuitError,
  Breaker,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimitError,
  Hedge,
  HttpError,
  RateLimit,
  RateLimitExceededError,
  Retry,
  RetryBudget,
  RetryDefaults,
  Timeout,
} from '../../src';

// DESIGN 1b, "Stacking and defaults": a policy's options given in @RetryDefaults, on the class, in
// @Retry and on the method merge field by field, least specific first; an instance (or `false`)
// is taken whole, and options above it start afresh. Fake timers: nothing really waits.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('a breaker', () => {
  it('keeps the class consecutiveFailures under a method breakDuration', async () => {
    @RetryDefaults({
      circuitBreaker: { consecutiveFailures: 1, breakDuration: 1000 },
      budget: false,
    })
    class Client {
      @CircuitBreaker({ breakDuration: 5000 })
      @Retry({ maxAttempts: 1 })
      async fetch(): Promise<void> {
        throw new HttpError(503);
      }
    }
    const client = new Client();
    await expect(client.fetch()).rejects.toBeInstanceOf(HttpError);
    await expect(client.fetch()).rejects.toBeInstanceOf(BrokenCircuitError);
    // The method's breakDuration, not the class's: still open after 1000 ms.
    await jest.advanceTimersByTimeAsync(2000);
    await expect(client.fetch()).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('from the class alone: one breaker for all the decorated methods', async () => {
    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 } })
    class Client {
      @Retry({ maxAttempts: 1 })
      async first(): Promise<void> {
        throw new HttpError(503);
      }

      @Retry({ maxAttempts: 1 })
      async second(): Promise<string> {
        return 'ok';
      }

      // A field of its own: this method has its own breaker, made from the merged options.
      @CircuitBreaker({ breakDuration: 5000 })
      @Retry({ maxAttempts: 1 })
      async third(): Promise<string> {
        return 'ok';
      }
    }
    const client = new Client();
    await expect(client.first()).rejects.toBeInstanceOf(HttpError);
    await expect(client.second()).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(client.third()).resolves.toBe('ok');
  });

  it('made from merged options: one per method, shared by a subclass with defaults of its own', async () => {
    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 }, budget: false })
    class Client {
      @CircuitBreaker({ breakDuration: 5000 })
      @Retry({ maxAttempts: 1 })
      async fetch(): Promise<void> {
        throw new HttpError(503);
      }
    }

    @RetryDefaults({ initialDelay: 0 })
    class QuickClient extends Client {}

    await expect(new Client().fetch()).rejects.toBeInstanceOf(HttpError);
    await expect(new QuickClient().fetch()).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('options above an instance start afresh from those options', async () => {
    const shared = new Breaker({ consecutiveFailures: 1 });

    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 } })
    class Base {}

    @CircuitBreaker(shared)
    class Client extends Base {
      @CircuitBreaker({ consecutiveFailures: 2 })
      @Retry({ maxAttempts: 1 })
      async fetch(): Promise<void> {
        throw new HttpError(503);
      }
    }
    const client = new Client();
    await expect(client.fetch()).rejects.toBeInstanceOf(HttpError);
    await expect(client.fetch()).rejects.toBeInstanceOf(HttpError);
    await expect(client.fetch()).rejects.toBeInstanceOf(BrokenCircuitError);
    // The shared breaker was not used.
    expect(shared.state).toBe('closed');
  });

  it('refuses at definition a merge the breaker refuses, naming both layers', () => {
    expect(() => {
      @RetryDefaults({ circuitBreaker: { failureRatio: 0.5 } })
      class Foo {
        @CircuitBreaker({ consecutiveFailures: 3 })
        @Retry()
        async bar(): Promise<void> {}
      }
      return Foo;
    }).toThrow(
      new TypeError(
        '@RetryDefaults({ circuitBreaker: {"failureRatio":0.5} }) on Foo and @CircuitBreaker({"consecutiveFailures":3}) on Foo.bar: options "failureRatio" (0.5) and "consecutiveFailures" (3) are two rules for opening; give one',
      ),
    );
  });
});

it('a hedge keeps the class maxHedges under a method delay', async () => {
  let attempts = 0;

  @RetryDefaults({ hedge: { delay: 50, maxHedges: 2 } })
  class Client {
    @Hedge({ delay: 10 })
    @Retry({ maxAttempts: 3 })
    async fetch(): Promise<string> {
      attempts += 1;
      return new Promise((resolve) => setTimeout(() => resolve('ok'), 100));
    }
  }
  const call = new Client().fetch();
  await jest.advanceTimersByTimeAsync(30);
  expect(attempts).toBe(3);
  await jest.advanceTimersByTimeAsync(200);
  await expect(call).resolves.toBe('ok');
});

it('a concurrency limit keeps the class maxQueued under a method maxConcurrent', async () => {
  @RetryDefaults({ concurrencyLimit: { maxConcurrent: 1, maxQueued: 1 } })
  class Client {
    @ConcurrencyLimit({ maxConcurrent: 2 })
    @Retry({ maxAttempts: 1 })
    async fetch(): Promise<string> {
      return new Promise((resolve) => setTimeout(() => resolve('ok'), 100));
    }
  }
  const client = new Client();
  const calls = [client.fetch(), client.fetch(), client.fetch()];
  await expect(client.fetch()).rejects.toBeInstanceOf(ConcurrencyLimitError);
  await jest.advanceTimersByTimeAsync(300);
  await expect(Promise.all(calls)).resolves.toEqual(['ok', 'ok', 'ok']);
});

it('a rate limiter keeps the class maxWait under a method limit', async () => {
  @RetryDefaults({ rateLimiter: { limit: 1, interval: 1000, maxWait: 0 } })
  class Client {
    @RateLimit({ limit: 2, interval: 1000 })
    @Retry({ maxAttempts: 1 })
    async fetch(): Promise<string> {
      return 'ok';
    }
  }
  const client = new Client();
  await expect(client.fetch()).resolves.toBe('ok');
  await expect(client.fetch()).resolves.toBe('ok');
  await expect(client.fetch()).rejects.toBeInstanceOf(RateLimitExceededError);
});

it('a timeout: the method ms over the class { ms }', async () => {
  @RetryDefaults({ timeout: { ms: 1000 } })
  class Client {
    @Timeout(50)
    @Retry({ maxAttempts: 1 })
    async fetch(): Promise<string> {
      return new Promise((resolve) => setTimeout(() => resolve('ok'), 100));
    }
  }
  const call = new Client().fetch();
  const settled = expect(call).rejects.toMatchObject({ name: 'AttemptTimeoutError' });
  await jest.advanceTimersByTimeAsync(100);
  await settled;
});

it('a budget: false or an instance is taken whole', async () => {
  const budget = new RetryBudget({ minPerSecond: 0, ratio: 0 });
  let attempts = 0;

  @RetryDefaults({ budget: false })
  class Client {
    @Retry({ maxAttempts: 3, initialDelay: 0, budget })
    async fetch(): Promise<void> {
      attempts += 1;
      throw new HttpError(503);
    }
  }
  await expect(new Client().fetch()).rejects.toBeInstanceOf(HttpError);
  expect(attempts).toBe(1);
});

it('merges own keys only: a key on Object.prototype is no option', async () => {
  const prototype = Object.prototype as Record<string, unknown>;
  prototype.consecutiveFailures = 1;
  try {
    @RetryDefaults({ circuitBreaker: { breakDuration: 1000 }, budget: false })
    class Client {
      @CircuitBreaker({ breakDuration: 5000 })
      @Retry({ maxAttempts: 1 })
      async fetch(): Promise<void> {
        throw new HttpError(503);
      }
    }
    const client = new Client();
    await expect(client.fetch()).rejects.toBeInstanceOf(HttpError);
    await expect(client.fetch()).rejects.toBeInstanceOf(HttpError);
  } finally {
    delete prototype.consecutiveFailures;
  }
});
