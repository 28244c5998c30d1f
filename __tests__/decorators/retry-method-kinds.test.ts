import { HttpError, Retry } from '../../src';
import {
  afterAllTimers,
  FailureScript,
  httpErrors,
  instantRetry,
  thrownBy,
} from './failure-script';

describe('@Retry on an async method', () => {
  it('retries until the method succeeds and resolves with its value', async () => {
    const script = new FailureScript(httpErrors(503, 502), { id: 7 });
    class Repository {
      @Retry(instantRetry)
      async load(): Promise<{ id: number }> {
        return script.next(this);
      }
    }
    await expect(new Repository().load()).resolves.toBe(script.result);
    expect(script.calls).toBe(3);
  });

  it('rethrows the last error itself when the attempts run out', async () => {
    const script = new FailureScript(httpErrors(503, 503, 503, 503));
    class Repository {
      @Retry({ ...instantRetry, maxAttempts: 3 })
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    const rejection = await new Repository().load().catch((error: unknown) => error);
    expect(rejection).toBe(script.failures[2]);
    expect(script.calls).toBe(3);
  });

  it('does not retry an error classified as non-retryable', async () => {
    const script = new FailureScript(httpErrors(400));
    class Repository {
      @Retry(instantRetry)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Repository().load()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('calls the method once and adds nothing when the first attempt succeeds', async () => {
    const script = new FailureScript([]);
    class Repository {
      @Retry(instantRetry)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Repository().load()).resolves.toBe('ok');
    expect(script.calls).toBe(1);
  });

  it('keeps `this` and passes the same arguments on every attempt', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    const query = { limit: 10 };
    class Repository {
      @Retry(instantRetry)
      async find(name: string, options: { limit: number }): Promise<string> {
        return script.next(this, name, options);
      }
    }
    const repository = new Repository();
    await repository.find('ada', query);
    expect(script.receivers).toEqual([repository, repository, repository]);
    for (const receiver of script.receivers) expect(receiver).toBe(repository);
    for (const argumentList of script.argumentLists) {
      expect(argumentList).toHaveLength(2);
      expect(argumentList[0]).toBe('ada');
      expect(argumentList[1]).toBe(query);
    }
  });

  it('keeps the method name and arity', () => {
    class Repository {
      @Retry()
      async find(_name: string, _limit: number): Promise<void> {}
    }
    expect(Repository.prototype.find.name).toBe('find');
    expect(Repository.prototype.find.length).toBe(2);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      expect(jest.getTimerCount()).toBe(0);
      jest.useRealTimers();
    });

    it('waits the backoff before each retry without blocking', async () => {
      const script = new FailureScript(httpErrors(503, 503));
      const delays: number[] = [];
      class Repository {
        @Retry({
          initialDelay: 100,
          jitter: 'none',
          onRetry: (_error, _attempt, delay) => delays.push(delay),
        })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      const result = new Repository().load();
      await jest.advanceTimersByTimeAsync(0);
      expect(script.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(99);
      expect(script.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(script.calls).toBe(2);
      await jest.advanceTimersByTimeAsync(199);
      expect(script.calls).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toBe('ok');
      expect(script.calls).toBe(3);
      expect(delays).toEqual([100, 200]);
    });

    it('uses the default schedule (1000 ms, doubling, full jitter) when given no options', async () => {
      const script = new FailureScript(httpErrors(503, 503, 503));
      const delays: number[] = [];
      class Repository {
        @Retry({ random: () => 0.5, onRetry: (_error, _attempt, delay) => delays.push(delay) })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(afterAllTimers(new Repository().load())).rejects.toBe(script.failures[2]);
      expect(delays).toEqual([500, 1000]);
      expect(script.calls).toBe(3);
    });

    it('caps every delay at the default maxDelay of 60000', async () => {
      const script = new FailureScript(httpErrors(503, 503, 503, 503, 503, 503, 503, 503));
      const delays: number[] = [];
      class Repository {
        @Retry({
          maxAttempts: 9,
          jitter: 'none',
          onRetry: (_error, _attempt, delay) => delays.push(delay),
        })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(afterAllTimers(new Repository().load())).resolves.toBe('ok');
      expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    });
  });
});

describe('@Retry on a method that returns a promise (not async)', () => {
  it('retries a rejected promise and resolves with the value', async () => {
    const script = new FailureScript(httpErrors(503, 504), 'done');
    class Client {
      @Retry(instantRetry)
      send(): Promise<string> {
        return Promise.resolve().then(() => script.next(this));
      }
    }
    const client = new Client();
    const result = client.send();
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('done');
    expect(script.calls).toBe(3);
    expect(script.receivers.every((receiver) => receiver === client)).toBe(true);
  });
});

describe('@Retry on a synchronous method', () => {
  it('retries and returns the value synchronously, not a promise', () => {
    const script = new FailureScript(httpErrors(503, 503), 42);
    class Calculator {
      @Retry(instantRetry)
      compute(input: number): number {
        return script.next(this, input) + input;
      }
    }
    const calculator = new Calculator();
    const result: unknown = calculator.compute(1);
    expect(result).toBe(43);
    expect(result).not.toBeInstanceOf(Promise);
    expect(script.calls).toBe(3);
    expect(script.argumentLists).toEqual([[1], [1], [1]]);
    expect(script.receivers.every((receiver) => receiver === calculator)).toBe(true);
  });

  it('throws the last error itself, synchronously, when the attempts run out', () => {
    const script = new FailureScript(httpErrors(503, 503, 503));
    class Calculator {
      @Retry({ ...instantRetry, maxAttempts: 2 })
      compute(): string {
        return script.next(this);
      }
    }
    expect(thrownBy(() => new Calculator().compute())).toBe(script.failures[1]);
    expect(script.calls).toBe(2);
  });

  it('blocks for the backoff between attempts', () => {
    const script = new FailureScript(httpErrors(503, 503));
    class Calculator {
      @Retry({ initialDelay: 4, maxDelay: 4, jitter: 'none' })
      compute(): string {
        return script.next(this);
      }
    }
    const startedAt = performance.now();
    expect(new Calculator().compute()).toBe('ok');
    // Two sleeps of 4 ms each; Atomics.wait never wakes early.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(7.5);
  });
});

describe('@Retry on an async generator method', () => {
  async function collect<Value>(stream: AsyncIterable<Value>): Promise<Value[]> {
    const values: Value[] = [];
    for await (const value of stream) values.push(value);
    return values;
  }

  it('retries failures before the first value, then streams every value once', async () => {
    let calls = 0;
    class Feed {
      @Retry(instantRetry)
      async *events(prefix: string): AsyncGenerator<string> {
        calls += 1;
        if (calls < 3) throw new HttpError(503);
        yield `${prefix}1`;
        yield `${prefix}2`;
      }
    }
    await expect(collect(new Feed().events('e'))).resolves.toEqual(['e1', 'e2']);
    expect(calls).toBe(3);
  });

  it('rethrows a failure after the first value without a new attempt', async () => {
    let calls = 0;
    const late = new HttpError(503);
    class Feed {
      @Retry(instantRetry)
      async *events(): AsyncGenerator<number> {
        calls += 1;
        yield 1;
        throw late;
      }
    }
    const values: number[] = [];
    const failure = await (async () => {
      for await (const value of new Feed().events()) values.push(value);
    })().catch((error: unknown) => error);
    expect(failure).toBe(late);
    expect(values).toEqual([1]);
    expect(calls).toBe(1);
  });

  it('rethrows the last error itself when every attempt fails before a value', async () => {
    const script = new FailureScript(httpErrors(503, 503, 503));
    class Feed {
      @Retry({ ...instantRetry, maxAttempts: 3 })
      async *events(): AsyncGenerator<string> {
        yield script.next(this);
      }
    }
    await expect(collect(new Feed().events())).rejects.toBe(script.failures[2]);
    expect(script.calls).toBe(3);
  });

  it('closes the inner generator when the caller stops at the first value', async () => {
    let finished = false;
    class Feed {
      @Retry(instantRetry)
      async *events(): AsyncGenerator<number> {
        try {
          yield 1;
          yield 2;
        } finally {
          finished = true;
        }
      }
    }
    for await (const value of new Feed().events()) {
      expect(value).toBe(1);
      break;
    }
    expect(finished).toBe(true);
  });

  it('keeps `this` on every attempt', async () => {
    const script = new FailureScript(httpErrors(503), 'value');
    class Feed {
      @Retry(instantRetry)
      async *events(): AsyncGenerator<string> {
        yield script.next(this);
      }
    }
    const feed = new Feed();
    await expect(collect(feed.events())).resolves.toEqual(['value']);
    expect(script.receivers).toHaveLength(2);
    expect(script.receivers.every((receiver) => receiver === feed)).toBe(true);
  });
});

describe('@Retry on static and #private methods', () => {
  it('retries a static method with `this` bound to the class', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    class Registry {
      @Retry(instantRetry)
      static async lookup(key: string): Promise<string> {
        return script.next(this, key);
      }
    }
    await expect(Registry.lookup('k')).resolves.toBe('ok');
    expect(script.calls).toBe(3);
    expect(script.receivers.every((receiver) => receiver === Registry)).toBe(true);
    expect(script.argumentLists).toEqual([['k'], ['k'], ['k']]);
    expect(Registry.lookup.name).toBe('lookup');
  });

  it('retries a static synchronous method', () => {
    const script = new FailureScript(httpErrors(502), 5);
    class Registry {
      @Retry(instantRetry)
      static size(): number {
        return script.next(this);
      }
    }
    expect(Registry.size()).toBe(5);
    expect(script.calls).toBe(2);
  });

  it('retries a #private method', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    class Vault {
      @Retry(instantRetry)
      async #open(code: number): Promise<string> {
        return script.next(this, code);
      }

      open(code: number): Promise<string> {
        return this.#open(code);
      }
    }
    const vault = new Vault();
    await expect(vault.open(1234)).resolves.toBe('ok');
    expect(script.calls).toBe(3);
    expect(script.receivers.every((receiver) => receiver === vault)).toBe(true);
    expect(script.argumentLists).toEqual([[1234], [1234], [1234]]);
  });

  it('retries a static #private method', () => {
    const script = new FailureScript(httpErrors(503), 'secret');
    class Vault {
      @Retry(instantRetry)
      static #read(): string {
        return script.next(this);
      }

      static read(): string {
        return Vault.#read();
      }
    }
    expect(Vault.read()).toBe('secret');
    expect(script.calls).toBe(2);
    expect(script.receivers[1]).toBe(Vault);
  });

  it('keeps a #private method apart from a public method whose name is the same string', async () => {
    const privateScript = new FailureScript(httpErrors(503));
    const publicScript = new FailureScript(httpErrors(503, 503));
    class Vault {
      @Retry({ ...instantRetry, maxAttempts: 2 })
      async #open(): Promise<string> {
        return privateScript.next(this);
      }

      @Retry({ ...instantRetry, maxAttempts: 3 })
      async ['#open'](): Promise<string> {
        return publicScript.next(this);
      }

      open(): Promise<string> {
        return this.#open();
      }
    }
    const vault = new Vault();
    await expect(vault.open()).resolves.toBe('ok');
    await expect(vault['#open']()).resolves.toBe('ok');
    expect([privateScript.calls, publicScript.calls]).toEqual([2, 3]);
  });
});
