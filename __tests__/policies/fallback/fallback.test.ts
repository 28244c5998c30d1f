import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimitError,
  ConcurrencyLimiter,
  ErrorCategory,
  Fallback,
  HttpError,
  Retry,
  RetryDefaults,
  retryable,
  stats,
  withRetry,
} from '../../../src';

// @Fallback: when a call fails for good, answer it with a value or with what a function gives.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

const instant = { maxAttempts: 3, delays: [0], budget: false } as const;

describe('a fallback value', () => {
  it('answers a failed async call; a success is untouched', async () => {
    let fail = true;
    class Prices {
      @Fallback(0)
      async price(): Promise<number> {
        if (fail) throw new HttpError(404);
        return 1299;
      }
    }
    const prices = new Prices();
    await expect(prices.price()).resolves.toBe(0);
    fail = false;
    await expect(prices.price()).resolves.toBe(1299);
  });

  it('answers a failed sync call synchronously', () => {
    class Parser {
      @Fallback('default')
      parse(text: string): string {
        return JSON.parse(text) as string;
      }
    }
    expect(new Parser().parse('{')).toBe('default');
    expect(new Parser().parse('"x"')).toBe('x');
  });

  it('with @Retry stacked: falls back only after the retries are exhausted, in either order', async () => {
    for (const order of ['fallback-above', 'retry-above']) {
      let attempts = 0;
      const onGiveUp = jest.fn();
      class Above {
        @Fallback('cached')
        @Retry({ ...instant, onGiveUp })
        async get(): Promise<string> {
          attempts += 1;
          throw new HttpError(503);
        }
      }
      class Below {
        @Retry({ ...instant, onGiveUp })
        @Fallback('cached')
        async get(): Promise<string> {
          attempts += 1;
          throw new HttpError(503);
        }
      }
      const service = order === 'fallback-above' ? new Above() : new Below();
      await expect(service.get()).resolves.toBe('cached');
      expect(attempts).toBe(3);
      expect(onGiveUp).toHaveBeenCalledTimes(1);
      expect(stats(service.get)).toMatchObject({ calls: 1, attempts: 3, giveUps: 1 });
    }
  });

  it('with @Retry on a sync method: retries, then falls back', () => {
    let attempts = 0;
    class Service {
      @Fallback(-1)
      @Retry(instant)
      compute(): number {
        attempts += 1;
        throw new HttpError(503);
      }
    }
    expect(new Service().compute()).toBe(-1);
    expect(attempts).toBe(3);
  });

  it('replaces a refusal by an open breaker or a concurrency limit (it is outermost)', async () => {
    const breaker = new Breaker();
    const release = breaker.isolate();
    let release2: () => void = () => {};
    class Service {
      @Fallback((error: unknown) => (error instanceof BrokenCircuitError ? 'circuit' : 'other'))
      @CircuitBreaker(breaker)
      async viaBreaker(): Promise<string> {
        return 'live';
      }

      @Fallback((error: unknown) => (error instanceof ConcurrencyLimitError ? 'busy' : 'other'))
      @ConcurrencyLimit({ maxConcurrent: 1 })
      async limited(): Promise<string> {
        return new Promise((resolve) => {
          release2 = () => resolve('live');
        });
      }
    }
    const service = new Service();
    await expect(service.viaBreaker()).resolves.toBe('circuit');
    release();
    await expect(service.viaBreaker()).resolves.toBe('live');
    const running = service.limited();
    await expect(service.limited()).resolves.toBe('busy');
    release2();
    await expect(running).resolves.toBe('live');
  });
});

describe('a fallback function', () => {
  it('is called with (error, ...args) and the call’s this, sync and async', async () => {
    class Catalog {
      readonly name = 'catalog';

      @Fallback(function (this: Catalog, error: unknown, id: string, count: number) {
        return `${this.name}:${id}:${count}:${(error as HttpError).status}`;
      })
      async get(id: string, count: number): Promise<string> {
        throw new HttpError(404, {}, `${id} ${count}`);
      }

      @Fallback(function (this: Catalog, error: unknown, id: string) {
        return `${this.name}:${id}:${(error as Error).message}`;
      })
      getSync(id: string): string {
        throw new Error(`sync failure`, { cause: id });
      }
    }
    const catalog = new Catalog();
    await expect(catalog.get('A-1', 2)).resolves.toBe('catalog:A-1:2:404');
    expect(catalog.getSync('B-2')).toBe('catalog:B-2:sync failure');
  });

  it('may be async; its promise is the call’s answer', async () => {
    class Service {
      @Fallback(async () => 'from cache')
      async get(): Promise<string> {
        throw new HttpError(500);
      }
    }
    await expect(new Service().get()).resolves.toBe('from cache');
  });

  it('that throws: its error is what the caller gets, with the failure as cause', async () => {
    const failure = new HttpError(404);
    const replacement = new Error('no fallback either');
    const withCause = new Error('has its own cause', { cause: 'own' });
    class Service {
      @Fallback(() => {
        throw replacement;
      })
      sync(): string {
        throw failure;
      }

      @Fallback(async () => {
        throw withCause;
      })
      async asynchronous(): Promise<string> {
        throw failure;
      }
    }
    const service = new Service();
    expect(() => service.sync()).toThrow(replacement);
    expect(replacement.cause).toBe(failure);
    await expect(service.asynchronous()).rejects.toBe(withCause);
    expect(withCause.cause).toBe('own');
  });

  it('whose value has a throwing `then` getter: that error, with the failure as cause', async () => {
    const failure = new HttpError(404);
    const replacement = new Error('no fallback either');
    const hostile = Object.defineProperty(Promise.resolve('never seen'), 'then', {
      get() {
        throw replacement;
      },
    });
    class Service {
      @Fallback(() => hostile)
      async get(): Promise<string> {
        throw failure;
      }
    }
    await expect(new Service().get()).rejects.toBe(replacement);
    expect(replacement.cause).toBe(failure);
  });

  it("whose value is a Proxy of a native promise: the built-in `then`'s TypeError, with the failure as cause", async () => {
    const failure = new HttpError(404);
    class Service {
      @Fallback(() => new Proxy(Promise.resolve('never seen'), {}))
      sync(): string {
        throw failure;
      }

      @Fallback(() => new Proxy(Promise.resolve('never seen'), {}))
      async asynchronous(): Promise<string> {
        throw failure;
      }
    }
    const service = new Service();
    // A promise the fallback gave, rejected: the call's answer, never a throw.
    const synchronous = service.sync() as unknown as Promise<string>;
    expect(synchronous).toBeInstanceOf(Promise);
    for (const result of [synchronous, service.asynchronous()]) {
      await expect(result).rejects.toThrow(TypeError);
      await expect(result).rejects.toMatchObject({ cause: failure });
    }
  });
});

describe('which failures fall back', () => {
  it('on: categories, as the method’s classifiers judge the error', async () => {
    class Service {
      @Fallback('fallback', { on: [ErrorCategory.RETRYABLE, ErrorCategory.NETWORK] })
      async get(status: number): Promise<string> {
        throw new HttpError(status);
      }
    }
    const service = new Service();
    await expect(service.get(503)).resolves.toBe('fallback');
    await expect(service.get(404)).rejects.toMatchObject({ status: 404 });
    await expect(service.get(401)).rejects.toMatchObject({ status: 401 });
  });

  it('on: a predicate of the error', () => {
    class Service {
      @Fallback('fallback', { on: (error) => error instanceof RangeError })
      get(error: Error): string {
        throw error;
      }
    }
    const service = new Service();
    expect(service.get(new RangeError('range'))).toBe('fallback');
    expect(() => service.get(new TypeError('type'))).toThrow('type');
  });

  it('a predicate that throws: its error ends the call, with the failure as cause', () => {
    const bug = new Error('predicate bug');
    const failure = new Error('failure');
    class Service {
      @Fallback('fallback', {
        on: () => {
          throw bug;
        },
      })
      get(): string {
        throw failure;
      }
    }
    expect(() => new Service().get()).toThrow(bug);
    expect(bug.cause).toBe(failure);
  });

  it('a caller’s abort never falls back, even when on accepts it', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    let attempts = 0;
    class Service {
      @Fallback('fallback', { on: () => true })
      @Retry({ maxAttempts: 5, delays: [1_000], budget: false })
      async get(signal: AbortSignal): Promise<string> {
        attempts += 1;
        signal.throwIfAborted();
        throw new HttpError(503);
      }

      @Fallback('fallback')
      async abortError(): Promise<string> {
        throw new DOMException('aborted', 'AbortError');
      }
    }
    const service = new Service();
    const call = service.get(controller.signal);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(attempts).toBe(1);
    await expect(service.abortError()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('where the fallback is given', () => {
  it('on a class and in @RetryDefaults, for every decorated method', async () => {
    @Fallback(function (this: unknown, _error: unknown, ...args: unknown[]) {
      return `class fallback for ${args.join(',')}`;
    })
    class ClassWide {
      @Retry(instant)
      async get(id: string): Promise<string> {
        throw new HttpError(404, {}, id);
      }
    }
    @RetryDefaults({ fallback: { to: 'defaults', on: [ErrorCategory.NON_RETRYABLE] } })
    class FromDefaults {
      @Retry(instant)
      async get(): Promise<string> {
        throw new HttpError(404);
      }

      @Fallback('own')
      @Retry(instant)
      async own(): Promise<string> {
        throw new HttpError(404);
      }
    }
    await expect(new ClassWide().get('x')).resolves.toBe('class fallback for x');
    await expect(new FromDefaults().get()).resolves.toBe('defaults');
    await expect(new FromDefaults().own()).resolves.toBe('own');
  });

  it('withRetry and retryable: the fallback key', async () => {
    await expect(
      withRetry(
        async () => {
          throw new HttpError(404);
        },
        { fallback: { to: 'fallback' } },
      ),
    ).resolves.toBe('fallback');
    const lookup = retryable(
      (id: string): string => {
        throw new HttpError(404, {}, id);
      },
      { fallback: { to: (_error: unknown, id: string) => `none for ${id}` }, ...instant },
    );
    expect(lookup('z')).toBe('none for z');
  });

  it('an async generator method: the fallback gives the values to yield instead', async () => {
    class Stream {
      @Fallback(() => ['cached-1', 'cached-2'])
      async *events(): AsyncGenerator<string> {
        throw new HttpError(404);
      }
    }
    const values: string[] = [];
    for await (const value of new Stream().events()) values.push(value);
    expect(values).toEqual(['cached-1', 'cached-2']);
  });
});

describe('invalid fallbacks, refused at definition naming the option and the value', () => {
  it.each([
    [
      () => Fallback('x', { on: [] }),
      /@Fallback: option "on" must be at least one ErrorCategory, got \[\]/,
    ],
    [
      () => Fallback('x', { on: ['sometimes'] as never }),
      /@Fallback: option "on" must be an array of ErrorCategory values or a predicate \(error\) => boolean, got \["sometimes"\]/,
    ],
    [
      // The types refuse it too; JavaScript callers get the run-time check.
      () => Fallback('x', { on: (async () => true) as never }),
      /@Fallback: option "on" must be a predicate that answers synchronously/,
    ],
    [() => Fallback('x', { when: 1 } as never), /@Fallback: unknown option "when" \(value 1\)/],
    [
      () => Fallback(class Fixed {}),
      /@Fallback: the fallback must be a value or a function .* got a class/,
    ],
    [
      () => (Fallback as () => unknown)(),
      /@Fallback: expected the fallback value or function, got nothing/,
    ],
    [
      () => RetryDefaults({ fallback: 'x' as never }),
      /@RetryDefaults: option "fallback" must be \{ to, on\? \}/,
    ],
    [
      () => RetryDefaults({ fallback: { on: [ErrorCategory.RETRYABLE] } as never }),
      /@RetryDefaults option "fallback" must be \{ to: value or \(error, \.\.\.args\) => value, on\? \}/,
    ],
    [
      () => withRetry(async () => 1, { fallback: { to: 1, on: 5 as never } }),
      /withRetry option "fallback": option "on" must be an array of ErrorCategory values or a predicate \(error\) => boolean, got 5/,
    ],
  ])('%#', (define, message) => {
    expect(define).toThrow(message);
  });

  it('twice on one method', () => {
    expect(() => {
      class Service {
        @Fallback(1)
        @Fallback(2)
        async get(): Promise<number> {
          return 0;
        }
      }
      return Service;
    }).toThrow(/@Fallback is applied twice to method "get"/);
  });
});

describe('the order of the policies', () => {
  it('the concurrency slot is given back before the fallback runs (the fallback is outside)', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const seen: number[] = [];
    class Service {
      @Fallback(() => {
        seen.push(limiter.running);
        return 'fallback';
      })
      @ConcurrencyLimit(limiter)
      async get(): Promise<string> {
        throw new HttpError(404);
      }
    }
    await expect(new Service().get()).resolves.toBe('fallback');
    expect(seen).toEqual([0]);
  });
});
