import { getEventListeners } from 'node:events';
import {
  Breaker,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimitError,
  Hedge,
  HttpError,
  Retry,
  retryable,
  withRetry,
} from '../../src';

// A native promise with a `then` of its own (a function, or a getter) is a thenable that
// `Promise.resolve` and `instanceof Promise` let through as a plain native promise: `.then` on it
// calls the method's own `then`, outside the attempt's `try`. Every path that holds something for
// the attempt (a concurrency slot, a breaker's probe: call-level-fast-path.test.ts, an attempt
// scope's listener on the caller's signal) adopts it as any other thenable, so the attempt fails
// or succeeds once, and gives back what it took once.

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** A settled native promise whose own `then` throws. */
function throwingOwnThen(): Promise<string> {
  return Object.assign(Promise.resolve('never seen'), {
    then(): never {
      throw new HttpError(503);
    },
  });
}

/** A native promise whose own `then` fulfils, then rejects, then fulfils again, at once. */
function callingBackThrice(): Promise<string> {
  return Object.assign(Promise.resolve('never seen'), {
    then(onFulfilled?: (value: string) => unknown, onRejected?: (error: unknown) => unknown) {
      onFulfilled?.('first');
      onRejected?.(new HttpError(503));
      onFulfilled?.('third');
      return Promise.resolve('first');
    },
  });
}

/** A native promise whose `then` getter answers its own `then` once, then `answer`. */
function thenChangingOnSecondRead(answer: () => unknown): Promise<string> {
  const promise = Promise.resolve('the value');
  const nativeThen = promise.then;
  let reads = 0;
  return Object.defineProperty(promise, 'then', {
    get() {
      reads += 1;
      return reads === 1 ? nativeThen : answer();
    },
  });
}

function limitedService(limiter: ConcurrencyLimiter, answer: () => PromiseLike<string>) {
  class Service {
    @Retry({ maxAttempts: 1, budget: false })
    @ConcurrencyLimit(limiter)
    call(): PromiseLike<string> {
      return answer();
    }
  }
  return new Service();
}

describe('a concurrency slot as the ticket', () => {
  it('a native promise whose own `then` throws is a failed attempt, and its slot is given back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    await expect(limitedService(limiter, throwingOwnThen).call()).rejects.toMatchObject({
      status: 503,
    });
    expect(limiter.running).toBe(0);
  });

  it('a native promise whose own `then` calls back thrice gives its slot back once', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    await expect(limitedService(limiter, callingBackThrice).call()).resolves.toBe('first');
    expect(limiter.running).toBe(0);
    // The slot is whole: one call runs, the next is refused while it does.
    let finish: (value: string) => void = () => undefined;
    const held = limitedService(
      limiter,
      () => new Promise<string>((resolve) => (finish = resolve)),
    );
    const running = held.call();
    expect(limiter.running).toBe(1);
    await expect(held.call()).rejects.toBeInstanceOf(ConcurrencyLimitError);
    finish('done');
    await expect(running).resolves.toBe('done');
    expect(limiter.running).toBe(0);
  });

  it('a `then` getter that throws on its second read fails the attempt; the slot is given back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const call = limitedService(limiter, () =>
      thenChangingOnSecondRead(() => {
        throw new HttpError(503);
      }),
    ).call();
    await expect(call).rejects.toMatchObject({ status: 503 });
    expect(limiter.running).toBe(0);
  });

  it('a `then` getter that answers a non-function on its second read; the slot is given back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    // No `then` to call on the second read: the promise is the value, as `Promise.resolve` has it.
    const value = await limitedService(limiter, () => thenChangingOnSecondRead(() => 42)).call();
    expect(value).toBeInstanceOf(Promise);
    expect(limiter.running).toBe(0);
  });
});

describe('the slow path', () => {
  it('a breaker beside a concurrency limit: an own `then` that calls back thrice ends the attempt once', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    class Service {
      @Retry({ maxAttempts: 1, budget: false })
      @ConcurrencyLimit(limiter)
      @CircuitBreaker(breaker)
      call(): Promise<string> {
        return callingBackThrice();
      }
    }
    await expect(new Service().call()).resolves.toBe('first');
    expect(limiter.running).toBe(0);
    expect(breaker.state).toBe('closed');
  });

  it("a hedged attempt whose own `then` throws lets go of the caller's signal", async () => {
    const caller = new AbortController();
    let calls = 0;
    class Service {
      @Retry({ maxAttempts: 2, initialDelay: 10, jitter: 'none', budget: false })
      @Hedge({ delay: 50 })
      call(_options: { signal: AbortSignal }): Promise<string> {
        calls += 1;
        return throwingOwnThen();
      }
    }
    const result = new Service().call({ signal: caller.signal });
    const settled = expect(result).rejects.toMatchObject({ status: 503 });
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(calls).toBe(2);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});

describe('a first attempt without a ticket reads `then` once', () => {
  const changingThenable = (second: () => unknown) => {
    let reads = 0;
    return Object.defineProperty({}, 'then', {
      get() {
        reads += 1;
        if (reads === 1) return (resolve: (value: string) => void) => resolve('never seen');
        return second();
      },
    }) as PromiseLike<string>;
  };

  it('with a deadline: a thenable whose `then` is gone on the next read is the value', async () => {
    const thenable = changingThenable(() => undefined);
    const call = retryable(() => thenable, { maxAttempts: 3, deadline: 10_000 });
    await expect(call()).resolves.toBe(thenable);
  });

  it('with retryOnResult: a `then` getter that throws on its next read fails the attempt, retried', async () => {
    let calls = 0;
    const call = retryable(
      () => {
        calls += 1;
        return changingThenable(() => {
          throw new HttpError(503);
        });
      },
      { maxAttempts: 3, initialDelay: 10, jitter: 'none', retryOnResult: () => false },
    );
    const result = call();
    const settled = expect(result).rejects.toMatchObject({ status: 503 });
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(calls).toBe(3);
  });
});

/** A native promise whose `constructor` getter throws. */
function throwingConstructor(): Promise<string> {
  return Object.defineProperty(Promise.resolve('never seen'), 'constructor', {
    get() {
      throw new HttpError(503);
    },
  });
}

describe.each([
  [
    'withRetry',
    (attempt: () => Promise<string>) =>
      withRetry(attempt, { maxAttempts: 3, initialDelay: 10, jitter: 'none' }),
  ],
  [
    'withRetry with retryOnResult',
    (attempt: () => Promise<string>) =>
      withRetry(attempt, {
        maxAttempts: 3,
        initialDelay: 10,
        jitter: 'none',
        retryOnResult: () => false,
      }),
  ],
  [
    'the lean path',
    (attempt: () => Promise<string>) =>
      retryable(attempt, { maxAttempts: 3, initialDelay: 10, jitter: 'none', budget: false })(),
  ],
])('%s', (_entry, callWith) => {
  /** Calls `answer` through the entry point; how many attempts ran, once the call settled. */
  async function attemptsOf(answer: () => Promise<string>, expectation: unknown): Promise<number> {
    let calls = 0;
    const result = callWith(() => {
      calls += 1;
      return answer();
    });
    expect(result).toBeInstanceOf(Promise);
    const settled =
      expectation === 'first'
        ? expect(result).resolves.toBe('first')
        : expect(result).rejects.toMatchObject({ status: 503 });
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    return calls;
  }

  it('an own `then` that calls back thrice answers once, and starts no retries', async () => {
    expect(await attemptsOf(callingBackThrice, 'first')).toBe(1);
  });

  it('an own `then` that throws is a failed attempt, retried up to maxAttempts', async () => {
    expect(await attemptsOf(throwingOwnThen, 'a 503')).toBe(3);
  });

  it('a `constructor` getter that throws is a failed attempt, retried up to maxAttempts', async () => {
    expect(await attemptsOf(throwingConstructor, 'a 503')).toBe(3);
  });
});
