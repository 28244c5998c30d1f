import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  Breaker,
  CircuitBreaker,
  HttpError,
  RateLimit,
  RateLimiter,
  RateLimitExceededError,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  retryable,
  stats,
  withRetry,
  type RateLimitedMessage,
} from '../../src';

// The limiter inside the pipeline: every attempt passes it, a turn within maxWait is waited for
// (bounded by the deadline, ended by an abort), a refused first attempt fails fast with
// RateLimitExceededError and a refused retry ends the call with its last real error.

const exact = { initialDelay: 100, maxDelay: 100, jitter: 'none', budget: false } as const;

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('waiting for a turn', () => {
  it('runs a burst of `limit` at once, and the next call when its turn comes', async () => {
    const started: number[] = [];
    class Service {
      @RateLimit({ limit: 2, interval: 1000 })
      async call(): Promise<number> {
        started.push(Date.now());
        return started.length;
      }
    }
    const service = new Service();
    const calls = [service.call(), service.call(), service.call()];
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 0]);
    await jest.advanceTimersByTimeAsync(499);
    expect(started).toEqual([0, 0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 0, 500]);
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
  });

  it('refuses a call whose turn is beyond maxWait with RateLimitExceededError, and publishes it', async () => {
    const messages: RateLimitedMessage[] = [];
    const listener = (message: unknown): void => {
      messages.push(message as RateLimitedMessage);
    };
    subscribe('tenacious:rate-limited', listener);
    try {
      const limiter = new RateLimiter({ limit: 1, interval: 1000, maxWait: 300 });
      let runs = 0;
      class Service {
        @RateLimit(limiter)
        async call(): Promise<void> {
          runs += 1;
        }
      }
      const service = new Service();
      await service.call();
      const refused = await service.call().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitExceededError);
      expect(refused).toMatchObject({ code: 'TENACIOUS_RATE_LIMITED', retryAfter: 1000 });
      expect(runs).toBe(1);
      expect(messages).toEqual([
        { className: 'Service', method: 'call', limiter, attempt: 1, error: refused },
      ]);
      expect(stats(service.call)).toMatchObject({ calls: 2, rejections: 1, attempts: 1 });
      expect(stats(limiter)).toMatchObject({ granted: 1, rejections: 1 });
    } finally {
      unsubscribe('tenacious:rate-limited', listener);
    }
  });

  it('an abort while waiting rejects with its reason at once, leaves no timer and gives the turn back', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    const started: number[] = [];
    class Service {
      @RateLimit(limiter)
      async call(_options: { signal?: AbortSignal }): Promise<void> {
        started.push(Date.now());
      }
    }
    const service = new Service();
    await service.call({});
    const controller = new AbortController();
    const waiting = service.call({ signal: controller.signal });
    const settled = expect(waiting).rejects.toBe('caller left');
    await jest.advanceTimersByTimeAsync(100);
    controller.abort('caller left');
    await settled;
    expect(jest.getTimerCount()).toBe(0);
    // The aborted call's turn (at 1000) went back: the next caller gets it.
    const next = service.call({});
    await jest.advanceTimersByTimeAsync(900);
    await next;
    expect(started).toEqual([0, 1000]);
  });

  it('never waits past the deadline: a turn beyond it is refused at once', async () => {
    class Service {
      @Retry({ ...exact, deadline: 200 })
      @RateLimit({ limit: 1, interval: 1000 })
      async call(): Promise<string> {
        return 'ran';
      }
    }
    const service = new Service();
    await service.call();
    await expect(service.call()).rejects.toBeInstanceOf(RateLimitExceededError);
  });
});

describe('retries pass the limiter', () => {
  it('a retry waits for its turn, and the dependency sees each attempt spaced by the limiter', async () => {
    const attempts: number[] = [];
    class Service {
      @Retry({ ...exact, maxAttempts: 3 })
      @RateLimit({ limit: 1, interval: 1000 })
      async call(): Promise<string> {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new HttpError(503);
        return 'done';
      }
    }
    const call = new Service().call();
    await jest.advanceTimersByTimeAsync(2000);
    await expect(call).resolves.toBe('done');
    expect(attempts).toEqual([0, 1000, 2000]);
  });

  it('a retry the limiter refuses ends the call with the last real error, not its refusal', async () => {
    const onGiveUp = jest.fn();
    let attempts = 0;
    class Service {
      @RetryOnRateLimit({ initialDelay: 100, maxDelay: 100, random: () => 0.5, onGiveUp })
      @RateLimit({ limit: 1, interval: 1000, maxWait: 0 })
      async call(): Promise<string> {
        attempts += 1;
        throw new HttpError(429, {}, `throttled ${attempts}`);
      }
    }
    const call = new Service().call();
    const settled = expect(call).rejects.toThrow('throttled 1');
    await jest.advanceTimersByTimeAsync(1000);
    await settled;
    expect(attempts).toBe(1);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
  });
});

describe('synchronous methods', () => {
  it('pass when their turn is now, and fail fast (synchronously) when it is not: they cannot wait', () => {
    class Service {
      @RateLimit({ limit: 1, interval: 1000 })
      compute(value: number): number {
        return value * 2;
      }
    }
    const service = new Service();
    expect(service.compute(2)).toBe(4);
    expect(() => service.compute(3)).toThrow(RateLimitExceededError);
    expect(() => service.compute(3)).toThrow(/a synchronous method cannot wait for it/);
    jest.advanceTimersByTime(1000);
    expect(service.compute(5)).toBe(10);
  });

  it('a plain method that returned a promise once may wait from then on', async () => {
    class Service {
      @RateLimit({ limit: 1, interval: 1000 })
      call(): Promise<string> {
        return Promise.resolve('ok');
      }
    }
    const service = new Service();
    await expect(service.call()).resolves.toBe('ok');
    const waiting = service.call();
    await jest.advanceTimersByTimeAsync(1000);
    await expect(waiting).resolves.toBe('ok');
  });
});

describe('cost', () => {
  it('weighs each call by its arguments, once per call', async () => {
    const limiter = new RateLimiter({
      limit: 100,
      interval: 1000,
      cost: ([tokens]) => tokens as number,
    });
    const started: number[] = [];
    class Service {
      @RateLimit(limiter)
      async complete(tokens: number): Promise<number> {
        started.push(Date.now());
        return tokens;
      }
    }
    const service = new Service();
    const calls = [service.complete(80), service.complete(40)];
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0]);
    await jest.advanceTimersByTimeAsync(200); // 20 more units are paid for after 200 ms
    expect(started).toEqual([0, 200]);
    await Promise.all(calls);
  });

  it.each<[string, unknown, RegExp]>([
    ['NaN', NaN, /option "cost" returned NaN; it must return a finite number >= 0/],
    ['a negative number', -1, /option "cost" returned -1/],
    ['a string', '5', /option "cost" returned "5"/],
    ['a promise', Promise.resolve(1), /option "cost" returned/],
    ['more than the limit', 11, /returned 11, more than "limit" \(10 units per interval\)/],
  ])('refuses a cost that is %s, naming the option', async (_label, cost, message) => {
    class Service {
      @RateLimit({ limit: 10, interval: 1000, cost: () => cost as number })
      async call(): Promise<void> {}
    }
    await expect(new Service().call()).rejects.toThrow(message);
  });

  it('what cost throws ends the call unchanged', async () => {
    const thrown = new Error('no estimate');
    class Service {
      @RateLimit({
        limit: 10,
        interval: 1000,
        cost: () => {
          throw thrown;
        },
      })
      async call(): Promise<void> {}
    }
    await expect(new Service().call()).rejects.toBe(thrown);
  });
});

describe('adaptive', () => {
  it('lowers the rate when the dependency throttles, not for other failures', async () => {
    const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
    class Service {
      @RateLimit(limiter)
      async call(status: number): Promise<void> {
        throw new HttpError(status);
      }
    }
    const service = new Service();
    await expect(service.call(503)).rejects.toThrow();
    expect(limiter.rate).toBe(10);
    await jest.advanceTimersByTimeAsync(1);
    await expect(service.call(429)).rejects.toThrow();
    expect(limiter.rate).toBeCloseTo(7, 6);
    expect(stats(limiter)).toMatchObject({ throttles: 1, decreases: 1 });
  });

  it('an abort while waiting gives back what the grant took, though the rate fell since', async () => {
    const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
    const started: number[] = [];
    class Service {
      @RateLimit(limiter)
      async call(_options: { signal?: AbortSignal }): Promise<void> {
        started.push(Date.now());
      }
    }
    const service = new Service();
    await Promise.all(Array.from({ length: 10 }, () => service.call({})));
    const controller = new AbortController();
    const waiting = service.call({ signal: controller.signal }); // its turn is at 100 ms
    const settled = expect(waiting).rejects.toBe('caller left');
    limiter.recordThrottle(Date.now(), Date.now()); // 7 units per second: 143 ms per unit
    controller.abort('caller left');
    await settled;
    // The 100 ms span went back, so the next call's turn is one lowered unit away: 143 ms.
    const next = service.call({});
    await jest.advanceTimersByTimeAsync(150);
    await next;
    expect(started.slice(10)).toEqual([143]);
  });

  it('counts the rateLimitErrors of the method as throttling', async () => {
    class QuotaError extends Error {}
    const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
    class Service {
      @RetryOnRateLimit({ maxAttempts: 1, rateLimitErrors: [QuotaError] })
      @RateLimit(limiter)
      async call(): Promise<void> {
        throw new QuotaError('quota');
      }
    }
    await expect(new Service().call()).rejects.toThrow('quota');
    expect(stats(limiter).throttles).toBe(1);
  });
});

describe('where it can be given', () => {
  it('@RateLimit on a class: one limiter for all its decorated methods', async () => {
    const started: string[] = [];
    @RateLimit({ limit: 1, interval: 1000, maxWait: 0 })
    class Service {
      @Retry(exact)
      async first(): Promise<void> {
        started.push('first');
      }

      @Retry(exact)
      async second(): Promise<void> {
        started.push('second');
      }
    }
    const service = new Service();
    await service.first();
    await expect(service.second()).rejects.toBeInstanceOf(RateLimitExceededError);
    expect(started).toEqual(['first']);
  });

  it('@RetryDefaults({ rateLimiter }) and a method-level @RateLimit that overrides it', async () => {
    @RetryDefaults({ rateLimiter: { limit: 1, interval: 1000, maxWait: 0 } })
    class Service {
      @Retry(exact)
      async shared(): Promise<string> {
        return 'shared';
      }

      @Retry(exact)
      @RateLimit({ limit: 5, interval: 1000 })
      async own(): Promise<string> {
        return 'own';
      }
    }
    const service = new Service();
    await service.shared();
    await expect(service.shared()).rejects.toBeInstanceOf(RateLimitExceededError);
    await expect(Promise.all([service.own(), service.own(), service.own()])).resolves.toEqual([
      'own',
      'own',
      'own',
    ]);
  });

  it('withRetry with a shared limiter, and retryable with options', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000, maxWait: 0 });
    await expect(withRetry(async () => 'a', { rateLimiter: limiter })).resolves.toBe('a');
    await expect(withRetry(async () => 'b', { rateLimiter: limiter })).rejects.toBeInstanceOf(
      RateLimitExceededError,
    );
    const fetchQuote = retryable(async (id: number) => id, {
      rateLimiter: { limit: 1, interval: 1000 },
    });
    await expect(fetchQuote(1)).resolves.toBe(1);
    const second = fetchQuote(2);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(second).resolves.toBe(2);
  });

  it('withRetry waits for a sync function too: it always answers with a promise', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    await withRetry(() => 1, { rateLimiter: limiter });
    const second = withRetry(() => 2, { rateLimiter: limiter });
    await jest.advanceTimersByTimeAsync(1000);
    await expect(second).resolves.toBe(2);
  });
});

describe('invalid options are refused where they are given, naming the option and value', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      '@RateLimit without limit',
      () => RateLimit({ interval: 1000 } as never),
      /@RateLimit: option "limit" is required/,
    ],
    [
      '@RateLimit with a bad interval',
      () => RateLimit({ limit: 1, interval: 0 }),
      /@RateLimit: option "interval" must be .* got 0/,
    ],
    [
      '@RateLimit()',
      () => (RateLimit as (options?: unknown) => unknown)(),
      /@RateLimit: options \{ limit, interval \} are required/,
    ],
    [
      '@RateLimit without parentheses on a class',
      () => (RateLimit as (options: unknown) => unknown)(class {}),
      /write @RateLimit\(\{ limit, interval \}\) with parentheses/,
    ],
    [
      'withRetry rateLimiter with a bad maxWait',
      () => withRetry(async () => 1, { rateLimiter: { limit: 1, interval: 10, maxWait: -2 } }),
      /option "rateLimiter": option "maxWait" .* got -2/,
    ],
    [
      'retryable rateLimiter of the wrong type',
      () => retryable(async () => 1, { rateLimiter: 5 as never }),
      /option "rateLimiter" .*rate-limiter options .* got 5/,
    ],
  ])('%s', (_label, define, message) => {
    let thrown: unknown;
    try {
      const result = define();
      if (result instanceof Promise) result.catch(() => undefined);
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).toMatch(message);
  });

  it('@RetryDefaults with bad limiter options throws when the class is defined', () => {
    expect(() => {
      @RetryDefaults({ rateLimiter: { limit: -1, interval: 10 } })
      class Service {}
      return Service;
    }).toThrow(/option "rateLimiter": option "limit" must be a finite number > 0, got -1/);
  });

  it('@RateLimit on a field or twice on a method is refused', () => {
    expect(() => {
      class Service {
        // @ts-expect-error a field is not a method
        @RateLimit({ limit: 1, interval: 10 })
        field = 1;
      }
      return Service;
    }).toThrow(/@RateLimit cannot decorate/);
    expect(() => {
      class Service {
        @RateLimit({ limit: 1, interval: 10 })
        @RateLimit({ limit: 1, interval: 10 })
        async call(): Promise<void> {}
      }
      return Service;
    }).toThrow(/applied twice to method "call"/);
  });
});

describe('with the other policies and method kinds', () => {
  it('a stream waits for its turn before it starts, and yields every value', async () => {
    const started: number[] = [];
    class Feed {
      @RateLimit({ limit: 1, interval: 1000 })
      async *events(): AsyncGenerator<number> {
        started.push(Date.now());
        yield 1;
        yield 2;
      }
    }
    const feed = new Feed();
    const collect = async (): Promise<number[]> => {
      const values: number[] = [];
      for await (const value of feed.events()) values.push(value);
      return values;
    };
    const first = collect();
    const second = collect();
    await jest.advanceTimersByTimeAsync(1000);
    await expect(Promise.all([first, second])).resolves.toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(started).toEqual([0, 1000]);
  });

  it('an attempt the limiter refuses gives a half-open breaker its trial place back', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 100 });
    const limiter = new RateLimiter({ limit: 1, interval: 1000, maxWait: 0 });
    let fail = true;
    class Service {
      @CircuitBreaker(breaker)
      @RateLimit(limiter)
      async call(): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'back';
      }
    }
    const service = new Service();
    await expect(service.call()).rejects.toBeInstanceOf(HttpError);
    await jest.advanceTimersByTimeAsync(100);
    fail = false;
    // Half-open: the trial call is refused by the limiter; it never reached the dependency.
    await expect(service.call()).rejects.toBeInstanceOf(RateLimitExceededError);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(service.call()).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
  });

  it('a call whose signal is already aborted does not wait, and takes no turn', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1000 });
    class Service {
      @RateLimit(limiter)
      async call(_signal?: AbortSignal): Promise<string> {
        return 'ran';
      }
    }
    const service = new Service();
    await service.call();
    await expect(service.call(AbortSignal.abort('gone'))).rejects.toBe('gone');
    const next = service.call();
    await jest.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBe('ran');
    expect(stats(limiter).granted).toBe(2);
  });
});
