import { getEventListeners } from 'node:events';
import {
  type AsyncMethodOrClassDecoratorFunction,
  Breaker,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimiter,
  currentAttempt,
  Hedge,
  RateLimit,
  RateLimiter,
  Retry,
  RetryDefaults,
  type RetryOptions,
  retryable,
  Timeout,
  withRetry,
} from '../../src';

// A Proxy of a native promise passes every check a property read can make (`instanceof Promise`,
// its `constructor`, its `then`), yet the built-in `then` refuses it: `.then` on it throws a
// TypeError at once. A plain `await` of it rejects with that TypeError. So does every entry point:
// the attempt failed, with nothing thrown out of the call, and what the attempt held (a slot, a
// breaker's probe, an attempt's scope) is given back. The same holds for a `constructor` getter
// that answers `Promise` to the check and throws when `then` looks the species up.

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

// Retry everything, the TypeError included, at once.
const retried = {
  maxAttempts: 2,
  initialDelay: 0,
  maxDelay: 0,
  jitter: 'none',
  retryOn: () => true,
} as const satisfies RetryOptions;

const proxied = (): Promise<string> => new Proxy(Promise.resolve('never seen'), {});

/** A native promise whose `constructor` getter answers `Promise` once, then throws. */
const constructorThrowingOnSecondRead = (): Promise<string> => {
  let reads = 0;
  return Object.defineProperty(Promise.resolve('never seen'), 'constructor', {
    get() {
      reads += 1;
      if (reads === 1) return Promise;
      throw new TypeError('constructor read twice');
    },
  });
};

/** One test's attempts, and what its call may hold: a slot, a breaker's probe, a listener. */
interface CallContext {
  attempts: number;
  readonly limiter: ConcurrencyLimiter;
  readonly breaker: Breaker;
  readonly signal: AbortSignal;
}

/** An attempt: the first answers `first()`, any other 'second'; each counted. */
function attemptOf(first: () => Promise<string>, counter: CallContext): () => Promise<string> {
  return () => (++counter.attempts === 1 ? first() : Promise.resolve('second'));
}

/** Calls a method with `@Retry(retried)` and `policy` whose first attempt answers `first()`. */
function callDecorated(
  policy: AsyncMethodOrClassDecoratorFunction,
  first: () => Promise<string>,
  counter: CallContext,
): Promise<string> {
  class Service {
    @Retry(retried)
    @policy
    call(_options: { signal: AbortSignal }): Promise<string> {
      return attemptOf(first, counter)();
    }
  }
  return new Service().call({ signal: counter.signal });
}

/**
 * Entry points, each a function that makes a call whose attempts are `attemptOf(first, counter)`.
 */
const entryPoints: ReadonlyArray<
  [string, (first: () => Promise<string>, counter: CallContext) => unknown]
> = [
  [
    'the lean path',
    (first, counter) =>
      retryable(attemptOf(first, counter), {
        ...retried,
        budget: false,
      })(),
  ],
  [
    'a deadline',
    (first, counter) =>
      retryable(attemptOf(first, counter), {
        ...retried,
        deadline: 60_000,
      })(),
  ],
  [
    'retryOnResult',
    (first, counter) =>
      retryable(attemptOf(first, counter), {
        ...retried,
        retryOnResult: () => false,
      })(),
  ],
  [
    'onSuccess (a guarded pipeline)',
    (first, counter) =>
      retryable(attemptOf(first, counter), {
        ...retried,
        onSuccess: () => {},
      })(),
  ],
  ['withRetry', (first, counter) => withRetry(attemptOf(first, counter), retried)],
  [
    'a concurrency slot as the ticket',
    (first, counter) => callDecorated(ConcurrencyLimit(counter.limiter), first, counter),
  ],
  [
    "a breaker's ticket",
    (first, counter) => callDecorated(CircuitBreaker(counter.breaker), first, counter),
  ],
  [
    'a rate-limit turn as the ticket',
    (first, counter) =>
      callDecorated(RateLimit(new RateLimiter({ limit: 10, interval: 1_000 })), first, counter),
  ],
  [
    'an attempt context',
    (first, counter) => {
      @RetryDefaults({ attemptContext: true })
      class Service {
        @Retry(retried)
        call(_options: { signal: AbortSignal }): Promise<string> {
          expect(currentAttempt()?.attempt).toBe(counter.attempts + 1);
          return attemptOf(first, counter)();
        }
      }
      return new Service().call({ signal: counter.signal });
    },
  ],
  ['a time limit', (first, counter) => callDecorated(Timeout(1_000), first, counter)],
  ['a hedge', (first, counter) => callDecorated(Hedge({ delay: 1_000 }), first, counter)],
];

describe.each(entryPoints)('through %s', (_entry, callWith) => {
  /** Makes the call; its value and how many attempts it took, once it settled. */
  async function settle(first: () => Promise<string>): Promise<[unknown, number]> {
    const counter: CallContext = {
      attempts: 0,
      limiter: new ConcurrencyLimiter({ maxConcurrent: 1 }),
      breaker: new Breaker({ consecutiveFailures: 5 }),
      signal: new AbortController().signal,
    };
    const result = callWith(first, counter);
    expect(result).toBeInstanceOf(Promise);
    await jest.advanceTimersByTimeAsync(0);
    const value = await (result as Promise<unknown>);
    expect(counter.limiter.running).toBe(0);
    expect(counter.breaker.state).toBe('closed');
    expect(getEventListeners(counter.signal, 'abort')).toHaveLength(0);
    return [value, counter.attempts];
  }

  it('a Proxy of a native promise is a failed attempt, retried; nothing is thrown out of the call', async () => {
    expect(await settle(proxied)).toEqual(['second', 2]);
  });

  it('a `constructor` getter that throws on its second read: the first read answers, or the attempt failed', async () => {
    // A path that reads the `constructor` once (a time limit's race calls `then` at once) has a
    // promise like any other; one that reads it again has a failed attempt, retried.
    expect([
      ['never seen', 1],
      ['second', 2],
    ]).toContainEqual(await settle(constructorThrowingOnSecondRead));
  });
});

test("without a retry, the call rejects with the built-in `then`'s TypeError, as `await` would", async () => {
  const call = retryable(proxied, { maxAttempts: 1, budget: false });
  let awaited: unknown;
  await (async () => await proxied())().catch((error: unknown) => (awaited = error));
  const result = call();
  expect(result).toBeInstanceOf(Promise);
  await expect(result).rejects.toThrow(TypeError);
  await expect(result).rejects.toThrow((awaited as TypeError).message);
});

test('a `then` getter that answers the built-in `then` to the check, then one that calls back and throws: one retry', async () => {
  const builtIn = Promise.prototype.then;
  let reads = 0;
  const changing = new Proxy(Promise.resolve('never seen'), {
    get: (target, key) =>
      key !== 'then'
        ? Reflect.get(target, key)
        : ++reads < 3
          ? builtIn
          : (_fulfilled: unknown, rejected: (error: unknown) => void) => {
              rejected(new Error('called back'));
              throw new Error('then threw');
            },
  });
  const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
  const retries: unknown[] = [];
  let attempts = 0;
  class Service {
    @Retry({ ...retried, onRetry: (error) => void retries.push(error) })
    @ConcurrencyLimit(limiter)
    guarded(): Promise<string> {
      return ++attempts === 1 ? changing : Promise.resolve('second');
    }
  }
  const lean = retryable(() => (++attempts === 1 ? changing : Promise.resolve('second')), {
    ...retried,
    budget: false,
    onRetry: (error) => void retries.push(error),
  });
  for (const call of [() => new Service().guarded(), lean]) {
    reads = 0;
    attempts = 0;
    retries.length = 0;
    const result = call();
    await jest.advanceTimersByTimeAsync(0);
    await expect(result).resolves.toBe('second');
    expect(attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(limiter.running).toBe(0);
  }
});

describe('a `constructor` getter that answers a subclass to the species lookup', () => {
  // `then` looks the species up after the check read `Promise`: the derived promise is the
  // subclass's, whose own `then` throws.
  class ThrowingThen<Value> extends Promise<Value> {
    override then(): never {
      throw new Error('the subclass then');
    }
  }
  const speciesSwapping = (): Promise<string> => {
    let reads = 0;
    return Object.defineProperty(Promise.resolve('the value'), 'constructor', {
      get: () => (++reads === 1 ? Promise : ThrowingThen),
    });
  };

  it('through the slow path, the call answers with a promise of its own, and gives its slot back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    class Service {
      @Retry({ maxAttempts: 1, budget: false })
      @ConcurrencyLimit(limiter)
      @CircuitBreaker()
      call(): Promise<string> {
        return speciesSwapping();
      }
    }
    const result = new Service().call();
    expect(Object.getPrototypeOf(result)).toBe(Promise.prototype);
    await expect(result).resolves.toBe('the value');
    expect(limiter.running).toBe(0);
  });

  it('with onSuccess (a guarded pipeline), nothing is thrown out of the call', async () => {
    let successes = 0;
    const call = retryable(speciesSwapping, {
      maxAttempts: 2,
      budget: false,
      onSuccess: () => {
        successes += 1;
      },
    });
    await expect(call()).resolves.toBe('the value');
    expect(successes).toBe(1);
  });
});
