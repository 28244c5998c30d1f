import { HttpError, retryable, type FunctionRetryOptions } from '../../src';
import { alwaysRejects, rejectsThenResolves } from './scripted-attempts';

/** Synchronous retries block for real (Atomics.wait), so they use no delay at all. */
const immediate = { jitter: 'none', initialDelay: 0 } as const;

class CustomError extends Error {}

/** Calls `fn` and returns what it threw synchronously (or fails the test). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a synchronous throw');
}

describe('retryable keeps the shape of the function', () => {
  it('passes this and the arguments to every attempt', async () => {
    const seen: [unknown, unknown[]][] = [];
    let calls = 0;
    const account = {
      balance: 40,
      deposit: retryable(async function (this: { balance: number }, amount: number, note: string) {
        seen.push([this, [amount, note]]);
        calls += 1;
        if (calls < 3) throw new HttpError(503);
        return `${note}: ${this.balance + amount}`;
      }, immediate),
    };
    await expect(account.deposit(2, 'total')).resolves.toBe('total: 42');
    expect(seen).toEqual([
      [account, [2, 'total']],
      [account, [2, 'total']],
      [account, [2, 'total']],
    ]);
    expect(seen.every(([thisValue]) => thisValue === account)).toBe(true);
  });

  it('keeps the name and the length', () => {
    function fetchReport(_id: string, _year: number): string {
      return 'report';
    }
    const wrapped = retryable(fetchReport);
    expect(wrapped.name).toBe('fetchReport');
    expect(wrapped.length).toBe(2);
    expect(wrapped).not.toBe(fetchReport);
  });

  it('validates the options when made, not when called', () => {
    const fn = jest.fn(() => 1);
    expect(() => retryable(fn, { maxAttempts: 0 })).toThrow(RangeError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('rejects a non-function with a TypeError', () => {
    expect(() => retryable('not a function' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('a synchronous function', () => {
  it('stays synchronous: returns the number itself, not a promise, after retrying', () => {
    let calls = 0;
    const parse = retryable((text: string): number => {
      calls += 1;
      if (calls < 3) throw new HttpError(503);
      return Number(text);
    }, immediate);
    const result = parse('42');
    expect(result).toBe(42);
    expect(typeof result).toBe('number');
    expect(calls).toBe(3);
  });

  it('sleeps between attempts by blocking, for the computed delays', () => {
    let calls = 0;
    const fn = retryable(
      (): string => {
        calls += 1;
        if (calls < 3) throw new HttpError(503);
        return 'done';
      },
      { jitter: 'none', initialDelay: 5 },
    );
    const started = performance.now();
    expect(fn()).toBe('done');
    // 5 ms + 10 ms of blocking sleep; allow for timer granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(14);
  });

  it('rethrows a non-retryable error at once, synchronously, the same object', () => {
    const badRequest = new HttpError(400);
    const fn = jest.fn((): number => {
      throw badRequest;
    });
    expect(thrownBy(() => retryable(fn, immediate)())).toBe(badRequest);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rethrows the last error synchronously when retries run out', () => {
    const errors = [1, 2, 3].map((call) => new HttpError(503, {}, `failure ${call}`));
    let calls = 0;
    const fn = retryable(
      (): number => {
        throw errors[calls++];
      },
      { ...immediate, maxAttempts: 3 },
    );
    expect(thrownBy(fn)).toBe(errors[2]);
    expect(calls).toBe(3);
  });

  it('retries a result the retryOnResult predicate accepts, synchronously', () => {
    const answers = ['busy', 'busy', 'ready'];
    const poll = retryable((): string => answers.shift() ?? 'empty', {
      ...immediate,
      retryOnResult: (result) => result === 'busy',
    });
    expect(poll()).toBe('ready');
    expect(answers).toEqual([]);
  });

  it('honours retryOn classes', () => {
    let calls = 0;
    const fn = retryable(
      (): string => {
        calls += 1;
        if (calls === 1) throw new CustomError('transient');
        return 'ok';
      },
      { ...immediate, retryOn: [CustomError] },
    );
    expect(fn()).toBe('ok');
    expect(calls).toBe(2);
  });
});

describe('promise-returning functions', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('retries a plain function that returns a promise', async () => {
    let calls = 0;
    const load = retryable(
      (id: number): Promise<string> => {
        calls += 1;
        return calls < 2 ? Promise.reject(new HttpError(502)) : Promise.resolve(`item ${id}`);
      },
      { jitter: 'none', initialDelay: 100 },
    );
    const promise = load(7);
    expect(promise).toBeInstanceOf(Promise);
    await jest.advanceTimersByTimeAsync(100);
    await expect(promise).resolves.toBe('item 7');
    expect(calls).toBe(2);
  });

  it('retries an async function and rejects with the last error itself', async () => {
    const error = new HttpError(503);
    const fn = alwaysRejects(() => error);
    const promise = retryable(fn, { jitter: 'none', initialDelay: 100, maxAttempts: 2 })();
    const assertion = expect(promise).rejects.toBe(error);
    await jest.advanceTimersByTimeAsync(100);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('creates no timer when the first call succeeds', async () => {
    const fn = retryable(async (value: number) => value + 1);
    const promise = fn(1);
    expect(jest.getTimerCount()).toBe(0);
    await expect(promise).resolves.toBe(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('creates no timer and returns the very value when a synchronous call succeeds', () => {
    const value = { id: 1 };
    expect(retryable(() => value)()).toBe(value);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('waits the backoff with timers between async attempts', async () => {
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = retryable(fn, { jitter: 'none', initialDelay: 100 })();
    await jest.advanceTimersByTimeAsync(0);
    expect(jest.getTimerCount()).toBe(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(fn).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe('ok');
  });
});

describe('an async generator function', () => {
  /** Consumes a stream, returning what it yielded and what it threw (if anything). */
  async function consume<Value>(
    stream: AsyncIterable<Value>,
  ): Promise<{ values: Value[]; error?: unknown }> {
    const values: Value[] = [];
    try {
      for await (const value of stream) values.push(value);
    } catch (error) {
      return { values, error };
    }
    return { values };
  }

  it('is retried while it fails before its first value', async () => {
    let calls = 0;
    const stream = retryable(async function* (count: number): AsyncGenerator<number> {
      calls += 1;
      if (calls < 3) throw new HttpError(503);
      for (let value = 1; value <= count; value += 1) yield value;
    }, immediate);
    expect(await consume(stream(3))).toEqual({ values: [1, 2, 3] });
    expect(calls).toBe(3);
  });

  it('passes this and the arguments to each attempt', async () => {
    const seen: unknown[] = [];
    const source = {
      prefix: 'row',
      rows: retryable(async function* (
        this: { prefix: string },
        from: number,
      ): AsyncGenerator<string> {
        seen.push(this);
        if (seen.length === 1) throw new HttpError(503);
        yield `${this.prefix} ${from}`;
      }, immediate),
    };
    expect(await consume(source.rows(5))).toEqual({ values: ['row 5'] });
    expect(seen).toEqual([source, source]);
  });

  it('is not retried after its first value: the later error is rethrown', async () => {
    const midStream = new HttpError(503, {}, 'connection lost mid-stream');
    let calls = 0;
    const stream = retryable(async function* (): AsyncGenerator<string> {
      calls += 1;
      if (calls === 1) throw new HttpError(503, {}, 'before the first value');
      yield 'first';
      yield 'second';
      throw midStream;
    }, immediate);
    const { values, error } = await consume(stream());
    expect(values).toEqual(['first', 'second']);
    expect(error).toBe(midStream);
    // Once for the failure before the first value, once more for the stream that then broke.
    expect(calls).toBe(2);
  });

  it('rethrows the last error when it never reaches a first value', async () => {
    const errors = [1, 2].map((call) => new HttpError(503, {}, `failure ${call}`));
    let calls = 0;
    const stream = retryable(
      async function* (): AsyncGenerator<never> {
        throw errors[calls++];
      },
      { ...immediate, maxAttempts: 2 },
    );
    const { values, error } = await consume(stream());
    expect(values).toEqual([]);
    expect(error).toBe(errors[1]);
    expect(calls).toBe(2);
  });

  it('does not retry a non-retryable failure before the first value', async () => {
    const forbidden = new HttpError(403);
    let calls = 0;
    const stream = retryable(async function* (): AsyncGenerator<never> {
      calls += 1;
      throw forbidden;
    }, immediate);
    expect((await consume(stream())).error).toBe(forbidden);
    expect(calls).toBe(1);
  });

  it('ends normally when the generator yields nothing', async () => {
    let calls = 0;
    const stream = retryable(async function* (): AsyncGenerator<never> {
      calls += 1;
    }, immediate);
    expect(await consume(stream())).toEqual({ values: [] });
    expect(calls).toBe(1);
  });

  it.each([1, 2])(
    'closes the inner generator when the caller breaks after %i value(s)',
    async (taken) => {
      let finallyRan = 0;
      let calls = 0;
      const stream = retryable(async function* (): AsyncGenerator<number> {
        calls += 1;
        if (calls === 1) throw new HttpError(503);
        try {
          yield 1;
          yield 2;
          yield 3;
        } finally {
          finallyRan += 1;
        }
      }, immediate);
      const values: number[] = [];
      for await (const value of stream()) {
        values.push(value);
        if (values.length === taken) break;
      }
      expect(values).toHaveLength(taken);
      expect(finallyRan).toBe(1);
    },
  );

  it('does not hand retryOnResult its internal start-of-stream objects, nor retry a stream that started', async () => {
    let calls = 0;
    const retryOnResult = jest.fn(() => true);
    // Written for a stream, retryOnResult is a compile error; options shared with other calls
    // can still carry one.
    const sharedOptions: FunctionRetryOptions = { ...immediate, retryOnResult };
    const stream = retryable(async function* (): AsyncGenerator<number> {
      calls += 1;
      if (calls === 1) throw new HttpError(503);
      yield calls;
    }, sharedOptions);
    expect(await consume(stream())).toEqual({ values: [2] });
    expect(calls).toBe(2);
    expect(retryOnResult).not.toHaveBeenCalled();
  });

  it('makes no attempt until iterated', () => {
    let calls = 0;
    const stream = retryable(async function* (): AsyncGenerator<number> {
      calls += 1;
      yield 1;
    });
    stream();
    expect(calls).toBe(0);
  });
});

describe('a synchronous generator function', () => {
  it('is rejected with a TypeError when made retryable', () => {
    function* rows(): Generator<number> {
      yield 1;
    }
    expect(() => retryable(rows)).toThrow(TypeError);
    expect(() => retryable(rows)).toThrow(/synchronous generator/);
  });
});
