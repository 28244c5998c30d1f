import { getEventListeners } from 'node:events';
import { Hedge, Retry, Timeout, currentAttempt } from '../../../src';

// A stream that an attempt left behind (it timed out, or lost to a hedge) before its first value is
// closed once that value comes: its `finally` runs, with jest's fake timers.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a stream whose attempt timed out, or lost to a hedge, is closed when its first value comes', async () => {
  let started = 0;
  const closed: number[] = [];
  class Streams {
    @Timeout(20)
    @Retry({ initialDelay: 1, maxAttempts: 2 })
    async *timed(): AsyncGenerator<string> {
      const id = ++started;
      try {
        await sleep(id === 1 ? 50 : 1);
        yield `stream ${id}`;
        yield 'more';
      } finally {
        closed.push(id);
      }
    }

    @Hedge({ delay: 5 })
    async *hedged(): AsyncGenerator<string> {
      const id = ++started;
      try {
        await sleep(id === 3 ? 30 : 10);
        yield `stream ${id}`;
        yield 'more';
      } finally {
        closed.push(id);
      }
    }
  }
  const streams = new Streams();
  const read = async (stream: AsyncGenerator<string>): Promise<string | undefined> => {
    for await (const value of stream) return value;
    return undefined;
  };
  const timed = read(streams.timed());
  await jest.advanceTimersByTimeAsync(100);
  await expect(timed).resolves.toBe('stream 2');
  const hedged = read(streams.hedged());
  await jest.advanceTimersByTimeAsync(100);
  await expect(hedged).resolves.toBe('stream 4');
  expect(started).toBe(4);
  expect(closed.sort()).toEqual([1, 2, 3, 4]);
});

test("a stream that started leaves no abort listener on its attempt's signal", async () => {
  const attemptSignals: AbortSignal[] = [];
  class Streams {
    @Timeout(1000)
    async *timed(): AsyncGenerator<string> {
      attemptSignals.push(currentAttempt()!.signal);
      yield 'first';
      yield 'second';
    }

    @Hedge({ delay: 1000 })
    async *hedged(): AsyncGenerator<string> {
      attemptSignals.push(currentAttempt()!.signal);
      yield 'first';
      yield 'second';
    }
  }
  const streams = new Streams();
  const values: string[] = [];
  for await (const value of streams.timed()) values.push(value);
  for await (const value of streams.hedged()) {
    values.push(value);
    break; // a consumer that stops early
  }
  expect(values).toEqual(['first', 'second', 'first']);
  expect(attemptSignals.map((signal) => getEventListeners(signal, 'abort').length)).toEqual([0, 0]);
});
