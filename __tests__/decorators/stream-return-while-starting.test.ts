import { getEventListeners } from 'node:events';
import {
  CircuitBreaker,
  ConcurrencyLimit,
  currentAttempt,
  Fallback,
  HttpError,
  Retry,
  Timeout,
} from '../../src';

// An async generator queues `return()` until its pending `next()` settles. A stream retried until
// its first value must not go on sleeping and retrying once its consumer has given up on it (a
// direct `iterator.return()`, a `Promise.race` that lost): the retries stop, the pending `next()`
// ends the stream, and nothing is left scheduled or listening.

const slowRetries = { maxAttempts: 5, initialDelay: 1000, jitter: 'none', budget: false } as const;

/** A stream whose every attempt fails with a 503 before its first value; `counted.attempts`. */
function failingFeed() {
  const counted = { attempts: 0 };
  class Feed {
    @Retry(slowRetries)
    async *events(_signal?: AbortSignal): AsyncGenerator<number> {
      counted.attempts += 1;
      throw new HttpError(503);
      yield 1;
    }
  }
  return { feed: new Feed(), counted };
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('return() on a stream that waits for its first value', () => {
  it('stops its retries while it sleeps, and ends the pending next()', async () => {
    const { feed, counted } = failingFeed();
    const stream = feed.events();
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0); // the first attempt failed; the sleep started
    expect(counted.attempts).toBe(1);
    const closed = stream.return(undefined);
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    expect(counted.attempts).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no listener on the caller’s signal', async () => {
    const { feed, counted } = failingFeed();
    const controller = new AbortController();
    const stream = feed.events(controller.signal);
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0);
    const closed = stream.return(undefined);
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    expect(counted.attempts).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts the running attempt’s signal', async () => {
    let attempts = 0;
    let attemptSignal: AbortSignal | undefined;
    class Feed {
      @Retry(slowRetries)
      @Timeout(60_000)
      async *events(): AsyncGenerator<number> {
        attempts += 1;
        const signal = currentAttempt()!.signal;
        attemptSignal = signal;
        await new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
        yield 1;
      }
    }
    const stream = new Feed().events();
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0);
    expect(attempts).toBe(1);
    const closed = stream.return(undefined);
    expect(attemptSignal?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(120_000);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    expect(attempts).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves the concurrency queue it waits in, and gives no slot away twice', async () => {
    let release: () => void = () => undefined;
    class Feed {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 1 })
      @Retry(slowRetries)
      async *events(): AsyncGenerator<number> {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        yield 1;
      }
    }
    const feed = new Feed();
    const holder = feed.events();
    const holding = holder.next();
    await jest.advanceTimersByTimeAsync(0);
    const queued = feed.events();
    const pending = queued.next();
    await jest.advanceTimersByTimeAsync(0);
    const closed = queued.return(undefined);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    release();
    await expect(holding).resolves.toEqual({ done: false, value: 1 });
    await holder.return(undefined);
    // The slot is free again: a third stream starts at once.
    const third = feed.events();
    const thirdFirst = third.next();
    await jest.advanceTimersByTimeAsync(0);
    release();
    await expect(thirdFirst).resolves.toEqual({ done: false, value: 1 });
    await third.return(undefined);
  });

  it('still hands over a first value that came after it, then closes the stream', async () => {
    let finished = false;
    let deliver: () => void = () => undefined;
    class Feed {
      @Retry(slowRetries)
      async *events(): AsyncGenerator<number> {
        try {
          await new Promise<void>((resolve) => {
            deliver = resolve;
          });
          yield 1;
          yield 2;
        } finally {
          finished = true;
        }
      }
    }
    const stream = new Feed().events();
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0);
    const closed = stream.return(undefined);
    deliver();
    await expect(pending).resolves.toEqual({ done: false, value: 1 });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    expect(finished).toBe(true);
  });

  it('stops its retries when the attempt running at return() fails afterwards', async () => {
    let attempts = 0;
    let fail: () => void = () => undefined;
    class Feed {
      @Retry(slowRetries)
      async *events(): AsyncGenerator<number> {
        attempts += 1;
        await new Promise<void>((_resolve, reject) => {
          fail = () => reject(new HttpError(503));
        });
        yield 1;
      }
    }
    const stream = new Feed().events();
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0);
    // Nothing has looked up the call’s signal yet: the first attempt has no signal of its own.
    const closed = stream.return(undefined);
    fail();
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await expect(closed).resolves.toEqual({ done: true, value: undefined });
    expect(attempts).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops its retries when its consumer throws into it instead', async () => {
    const { feed, counted } = failingFeed();
    const stream = feed.events();
    const pending = stream.next();
    await jest.advanceTimersByTimeAsync(0);
    const consumerError = new Error('the consumer gave up');
    const thrown = stream.throw(consumerError).then(
      () => 'settled',
      (error: unknown) => error,
    );
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    // The stream has ended: a throw() into it rejects with what was thrown, as it always does.
    await expect(thrown).resolves.toBe(consumerError);
    expect(counted.attempts).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('is an ordinary return() before the first next()', async () => {
    let attempts = 0;
    class Feed {
      @Retry(slowRetries)
      async *events(): AsyncGenerator<number> {
        attempts += 1;
        yield 1;
      }
    }
    const stream = new Feed().events();
    await expect(stream.return(undefined)).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.next()).resolves.toEqual({ done: true, value: undefined });
    expect(attempts).toBe(0);
  });

  it('leaves no listener on the caller’s signal when its start is refused and falls back', async () => {
    class Feed {
      @Fallback(() => [0])
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @Retry({ maxAttempts: 1, budget: false })
      async *events(_signal: AbortSignal): AsyncGenerator<number> {
        throw new HttpError(503);
        yield 1;
      }
    }
    const feed = new Feed();
    const controller = new AbortController();
    const values: number[] = [];
    // The first call opens the circuit; the others are refused before any attempt, and the
    // fallback asks whether the refusal is the caller’s abort only after the start is over.
    for (let call = 0; call < 3; call++) {
      for await (const value of feed.events(controller.signal)) values.push(value);
    }
    expect(values).toEqual([0, 0, 0]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
