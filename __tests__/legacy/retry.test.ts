import 'reflect-metadata';
import { Classified, ErrorCategory, HttpError, Retry, RetryOnRateLimit } from '../../src';
import {
  afterAllTimers,
  FailureScript,
  httpErrors,
  instantRateLimit,
  instantRetry,
  thrownBy,
} from '../decorators/failure-script';

// The behaviour of ../decorators/retry-method-kinds and stacking-and-lanes, with legacy
// `experimentalDecorators` (tsconfig.legacy.json), as NestJS and Angular projects compile them.

describe('legacy @Retry on each kind of method', () => {
  it('retries an async method, keeping `this` and the arguments', async () => {
    const script = new FailureScript(httpErrors(503, 502), { id: 1 });
    const filter = { active: true };
    class Repository {
      @Retry(instantRetry)
      async find(name: string, options: { active: boolean }): Promise<{ id: number }> {
        return script.next(this, name, options);
      }
    }
    const repository = new Repository();
    await expect(repository.find('ada', filter)).resolves.toBe(script.result);
    expect(script.calls).toBe(3);
    expect(script.receivers.every((receiver) => receiver === repository)).toBe(true);
    for (const argumentList of script.argumentLists) {
      expect(argumentList[0]).toBe('ada');
      expect(argumentList[1]).toBe(filter);
    }
  });

  it('rethrows the last error itself when the attempts run out', async () => {
    const script = new FailureScript(httpErrors(503, 503, 503));
    class Repository {
      @Retry({ ...instantRetry, maxAttempts: 2 })
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Repository().load()).rejects.toBe(script.failures[1]);
    expect(script.calls).toBe(2);
  });

  it('does not retry a non-retryable error', async () => {
    const script = new FailureScript(httpErrors(404));
    class Repository {
      @Retry(instantRetry)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Repository().load()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('retries a promise-returning method', async () => {
    const script = new FailureScript(httpErrors(503));
    class Client {
      @Retry(instantRetry)
      send(): Promise<string> {
        return Promise.resolve().then(() => script.next(this));
      }
    }
    await expect(new Client().send()).resolves.toBe('ok');
    expect(script.calls).toBe(2);
  });

  it('retries a synchronous method and returns synchronously', () => {
    const script = new FailureScript(httpErrors(503, 503), 10);
    class Calculator {
      @Retry(instantRetry)
      compute(input: number): number {
        return script.next(this, input) * input;
      }
    }
    const calculator = new Calculator();
    const result: unknown = calculator.compute(3);
    expect(result).toBe(30);
    expect(result).not.toBeInstanceOf(Promise);
    expect(script.argumentLists).toEqual([[3], [3], [3]]);
    expect(script.receivers.every((receiver) => receiver === calculator)).toBe(true);
  });

  it('throws the last error synchronously from a synchronous method', () => {
    const script = new FailureScript(httpErrors(503, 503, 503, 503));
    class Calculator {
      @Retry(instantRetry)
      compute(): string {
        return script.next(this);
      }
    }
    expect(thrownBy(() => new Calculator().compute())).toBe(script.failures[2]);
    expect(script.calls).toBe(3);
  });

  it('retries a static method with `this` bound to the class', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    class Registry {
      @Retry(instantRetry)
      static async lookup(key: string): Promise<string> {
        return script.next(this, key);
      }
    }
    await expect(Registry.lookup('k')).resolves.toBe('ok');
    expect(script.receivers).toEqual([Registry, Registry, Registry]);
    expect(script.argumentLists).toEqual([['k'], ['k'], ['k']]);
  });

  it('retries an async generator method only before its first value', async () => {
    let calls = 0;
    const late = new HttpError(503);
    class Feed {
      @Retry(instantRetry)
      async *events(): AsyncGenerator<number> {
        calls += 1;
        if (calls < 3) throw new HttpError(503);
        yield 1;
        yield 2;
        throw late;
      }
    }
    const values: number[] = [];
    const failure = await (async () => {
      for await (const value of new Feed().events()) values.push(value);
    })().catch((error: unknown) => error);
    expect(values).toEqual([1, 2]);
    expect(failure).toBe(late);
    expect(calls).toBe(3);
  });

  it('keeps the method name and arity', () => {
    class Repository {
      @Retry()
      async find(_name: string, _limit: number): Promise<void> {}
    }
    expect(Repository.prototype.find.name).toBe('find');
    expect(Repository.prototype.find.length).toBe(2);
  });

  it('keeps the property non-enumerable, writable and configurable, as a method is', () => {
    class Repository {
      @Retry()
      async find(): Promise<void> {}
    }
    expect(Object.getOwnPropertyDescriptor(Repository.prototype, 'find')).toEqual({
      value: Repository.prototype.find,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      expect(jest.getTimerCount()).toBe(0);
      jest.useRealTimers();
    });

    it('waits the backoff between attempts', async () => {
      const script = new FailureScript(httpErrors(503, 503));
      class Repository {
        @Retry({ initialDelay: 100, jitter: 'none' })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      const result = new Repository().load();
      await jest.advanceTimersByTimeAsync(99);
      expect(script.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(script.calls).toBe(2);
      await expect(afterAllTimers(result)).resolves.toBe('ok');
      expect(script.calls).toBe(3);
    });
  });
});

class QuotaWobble extends Error {}
const classifyQuotaWobble = (error: unknown): ErrorCategory | undefined =>
  error instanceof QuotaWobble ? ErrorCategory.RETRYABLE : undefined;
const retryOptions = { ...instantRetry, maxAttempts: 3 };
const rateLimitOptions = { ...instantRateLimit, maxAttempts: 3 };

interface ScriptedService {
  call(): Promise<string>;
}

// Legacy decorators cannot decorate class expressions, hence a declaration in each factory.
const orders: ReadonlyArray<readonly [string, (script: FailureScript) => ScriptedService]> = [
  [
    '@Retry @RetryOnRateLimit @Classified',
    (script) => {
      class Service {
        @Retry(retryOptions)
        @RetryOnRateLimit(rateLimitOptions)
        @Classified(classifyQuotaWobble)
        async call(): Promise<string> {
          return script.next(this);
        }
      }
      return new Service();
    },
  ],
  [
    '@RetryOnRateLimit @Classified @Retry',
    (script) => {
      class Service {
        @RetryOnRateLimit(rateLimitOptions)
        @Classified(classifyQuotaWobble)
        @Retry(retryOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      }
      return new Service();
    },
  ],
  [
    '@Classified @Retry @RetryOnRateLimit',
    (script) => {
      class Service {
        @Classified(classifyQuotaWobble)
        @Retry(retryOptions)
        @RetryOnRateLimit(rateLimitOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      }
      return new Service();
    },
  ],
  [
    '@Classified @RetryOnRateLimit @Retry',
    (script) => {
      class Service {
        @Classified(classifyQuotaWobble)
        @RetryOnRateLimit(rateLimitOptions)
        @Retry(retryOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      }
      return new Service();
    },
  ],
];

describe('legacy stacked decorators: one wrapper, one loop, whatever the order', () => {
  describe.each(orders)('%s', (_order, createService) => {
    it.each<[string, () => unknown[], number, 'resolves' | number]>([
      [
        'wobble, 429, wobble, 429, then success',
        () => [new QuotaWobble(), new HttpError(429), new QuotaWobble(), new HttpError(429)],
        5,
        'resolves',
      ],
      [
        'wobble, 429, wobble, 429, 503: retry lane spent',
        () => [
          new QuotaWobble(),
          new HttpError(429),
          new QuotaWobble(),
          new HttpError(429),
          new HttpError(503),
        ],
        5,
        4,
      ],
      ['429 three times: rate-limit lane spent', () => httpErrors(429, 429, 429, 429), 3, 2],
      ['400 at once: not retried', () => httpErrors(400), 1, 0],
    ])('%s', async (_script, failures, expectedCalls, outcome) => {
      const script = new FailureScript(failures());
      const result = createService(script).call();
      if (outcome === 'resolves') await expect(result).resolves.toBe('ok');
      else await expect(result).rejects.toBe(script.failures[outcome]);
      expect(script.calls).toBe(expectedCalls);
    });

    it('keeps the method name', () => {
      expect(createService(new FailureScript([])).call.name).toBe('call');
    });
  });
});

describe('legacy two lanes: @Retry({ maxAttempts: 2 }) @RetryOnRateLimit({ maxAttempts: 4 })', () => {
  class Gateway {
    constructor(readonly script: FailureScript) {}

    @Retry({ ...instantRetry, maxAttempts: 2 })
    @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 4 })
    send(): string {
      return this.script.next(this);
    }

    @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 4 })
    @Retry({ ...instantRetry, maxAttempts: 2 })
    async sendAsync(): Promise<string> {
      return this.script.next(this);
    }
  }

  it.each([
    ['429, 429, 429, then success', [429, 429, 429], 4, undefined],
    ['503, 503', [503, 503], 2, 1],
    ['429 four times', [429, 429, 429, 429, 429], 4, 3],
    [
      '503, then 429 three times, then success: 1 + 1 + 3 calls',
      [503, 429, 429, 429],
      5,
      undefined,
    ],
    ['429, 503, 429, 429, 503', [429, 503, 429, 429, 503, 503], 5, 4],
  ])('%s', async (_name, statuses, calls, gaveUpAt) => {
    const synchronous = new Gateway(new FailureScript(httpErrors(...statuses)));
    const asynchronous = new Gateway(new FailureScript(httpErrors(...statuses)));
    if (gaveUpAt === undefined) {
      expect(synchronous.send()).toBe('ok');
      await expect(asynchronous.sendAsync()).resolves.toBe('ok');
    } else {
      expect(thrownBy(() => synchronous.send())).toBe(synchronous.script.failures[gaveUpAt]);
      await expect(asynchronous.sendAsync()).rejects.toBe(asynchronous.script.failures[gaveUpAt]);
    }
    expect(synchronous.script.calls).toBe(calls);
    expect(asynchronous.script.calls).toBe(calls);
  });

  it('rethrows a non-rate-limit error at once under @RetryOnRateLimit alone', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    class Client {
      @RetryOnRateLimit(instantRateLimit)
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('treats the `rateLimitErrors` classes as rate limits', async () => {
    class QuotaExceeded extends Error {}
    const script = new FailureScript([new QuotaExceeded(), new QuotaExceeded()]);
    class Client {
      @RetryOnRateLimit({ ...instantRateLimit, rateLimitErrors: [QuotaExceeded] })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).resolves.toBe('ok');
    expect(script.calls).toBe(3);
  });
});
