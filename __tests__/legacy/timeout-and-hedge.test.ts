import 'reflect-metadata';
import {
  AttemptTimeoutError,
  Hedge,
  Retry,
  RetryDefaults,
  Timeout,
  currentAttempt,
} from '../../src';

// @Timeout, @Hedge and currentAttempt() under experimentalDecorators (tsconfig.legacy.json), as
// NestJS and Angular projects compile them.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** Resolves with `value` after `ms`, or rejects with the attempt signal's reason. */
function work<Value>(ms: number, value: Value): Promise<Value> {
  const { signal } = currentAttempt()!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

test('@Timeout on a method: the slow attempt times out and the retry answers', async () => {
  class Service {
    @Retry({ maxAttempts: 2, delays: [0], budget: false })
    @Timeout(100)
    async fetch(): Promise<number> {
      const { attempt } = currentAttempt()!;
      return work(attempt === 1 ? 1000 : 10, attempt);
    }
  }
  const call = new Service().fetch();
  await jest.advanceTimersByTimeAsync(110);
  await expect(call).resolves.toBe(2);
});

test('@Timeout on a class and from @RetryDefaults', async () => {
  @Timeout({ ms: 50 })
  class ByDecorator {
    @Retry({ maxAttempts: 1 })
    async fetch(): Promise<string> {
      return work(1000, 'late');
    }
  }
  @RetryDefaults({ timeout: 50, maxAttempts: 1 })
  class ByDefaults {
    @Retry()
    async fetch(): Promise<string> {
      return work(1000, 'late');
    }
  }
  for (const service of [new ByDecorator(), new ByDefaults()]) {
    const settled = expect(service.fetch()).rejects.toBeInstanceOf(AttemptTimeoutError);
    await jest.advanceTimersByTimeAsync(50);
    await settled;
  }
});

test('@Hedge on a method: the hedge wins, the first attempt is aborted', async () => {
  const signals: AbortSignal[] = [];
  class Search {
    @Hedge({ delay: 20 })
    async query(): Promise<number> {
      const { attempt, signal } = currentAttempt()!;
      signals.push(signal);
      return work(attempt === 1 ? 1000 : 5, attempt);
    }
  }
  const call = new Search().query();
  await jest.advanceTimersByTimeAsync(25);
  await expect(call).resolves.toBe(2);
  expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
});

test('refusals at definition: a sync generator, idempotent: false, bad options', () => {
  expect(() => {
    class Service {
      // @ts-expect-error -- not an asynchronous method
      @Timeout(10)
      *items(): Generator<number> {
        yield 1;
      }
    }
    return Service;
  }).toThrow(/cannot retry a synchronous generator function/);
  expect(() => {
    @RetryDefaults({ idempotent: false })
    class Payments {
      @Hedge({ delay: 10 })
      async pay(): Promise<void> {}
    }
    return Payments;
  }).toThrow(/Payments\.pay: hedging .* and idempotent: false/);
  expect(() => Hedge({ delay: 'p75' as never })).toThrow(/option "delay" must be .*got "p75"/);
  expect(() => Timeout(0)).toThrow(/@Timeout: option "ms" must be .*got 0/);
});
