import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Breaker, Hedge, withRetry } from '../../../src';

// @Hedge at its edges, with jest's fake timers: a stream that loses in the winner's tick, a
// result retryOnResult retries, a policy that throws on a hedge that failed at once.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

test('a hedged stream whose first value comes in the same tick as the winner’s is closed', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;
  const closed: number[] = [];
  class Streams {
    @Hedge({ delay: 5 })
    async *hedged(): AsyncGenerator<string> {
      const id = ++started;
      try {
        await gate;
        yield `stream ${id}`;
        yield 'more';
      } finally {
        closed.push(id);
      }
    }
  }
  const read = async (stream: AsyncGenerator<string>): Promise<string | undefined> => {
    for await (const value of stream) return value;
    return undefined;
  };
  const hedged = read(new Streams().hedged());
  await jest.advanceTimersByTimeAsync(10);
  expect(started).toBe(2);
  release();
  await jest.advanceTimersByTimeAsync(10);
  await expect(hedged).resolves.toBe('stream 1');
  await jest.advanceTimersByTimeAsync(10);
  expect(closed.sort()).toEqual([1, 2]);
});

test('a result that retryOnResult retries is no success: a running hedge may still win', async () => {
  let invocations = 0;
  const call = withRetry(
    async () => {
      invocations += 1;
      const id = invocations;
      return new Promise<string>((resolve) =>
        setTimeout(() => resolve(id === 1 ? 'busy' : 'good'), id === 1 ? 20 : 10),
      );
    },
    {
      hedge: { delay: 10 },
      retryOnResult: (result) => result === 'busy',
      delays: [1000],
      budget: false,
    },
  );
  let answer: string | undefined;
  void call.then((value) => {
    answer = value;
  });
  await jest.advanceTimersByTimeAsync(20);
  expect(answer).toBe('good');
  expect(invocations).toBe(2);
  await jest.advanceTimersByTimeAsync(2000); // nothing else is left running
});

test('a classifier that throws on a hedge that failed at once ends the call, not the process', async () => {
  const classifierError = new Error('classifier bug');
  let invocations = 0;
  const call = withRetry(
    (): Promise<string> => {
      invocations += 1;
      if (invocations === 2) throw new Error('hedge failed at once');
      return new Promise((resolve) => setTimeout(() => resolve('first'), 50));
    },
    {
      hedge: { delay: 10 },
      budget: false,
      circuitBreaker: new Breaker({ consecutiveFailures: 5 }),
      classifier: (error) => {
        if (error instanceof Error && error.message === 'hedge failed at once') {
          throw classifierError;
        }
        return undefined;
      },
    },
  );
  const settled = call.then(
    (value) => value,
    (error: unknown) => error,
  );
  const hedgesMade: unknown[] = [];
  const onHedge = (message: unknown): void => {
    hedgesMade.push(message);
  };
  subscribe('tenacious:hedge', onHedge);
  // A throw from the hedge's timer would come out of the clock here (uncaught in production).
  await jest.advanceTimersByTimeAsync(60);
  unsubscribe('tenacious:hedge', onHedge);
  expect(invocations).toBe(2);
  // The hedge ran: it is counted and published like any other.
  expect(hedgesMade).toHaveLength(1);
  const error = (await settled) as Error;
  expect(error).toBe(classifierError);
  expect(error.cause).toEqual(new Error('hedge failed at once'));
});
