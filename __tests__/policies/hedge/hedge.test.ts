import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  Breaker,
  CircuitBreaker,
  Hedge,
  Retry,
  RetryBudget,
  RetryDefaults,
  currentAttempt,
  retryable,
  stats,
  withRetry,
  type HedgeMessage,
} from '../../../src';

// @Hedge's rules with jest's fake timers: a hedge starts after the delay, the first success wins
// and the others are aborted through their signals; hedges are paid from the budget, pass the
// breaker (which does not count a loser), are capped by maxAttempts; nothing is left scheduled.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

interface Started {
  readonly attempt: number;
  readonly signal: AbortSignal;
}

/** A dependency whose n-th request takes `latencies[n - 1]` ms (the last repeats), or until aborted. */
function dependency(latencies: readonly number[]) {
  const started: Started[] = [];
  const call = (): Promise<number> => {
    const { attempt, signal } = currentAttempt()!;
    started.push({ attempt, signal });
    const latency = latencies[Math.min(started.length, latencies.length) - 1];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(attempt), latency);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });
  };
  return { started, call };
}

test('a hedge starts after the delay; the first success wins, the loser is aborted', async () => {
  const { started, call } = dependency([1000, 30]);
  const messages: HedgeMessage[] = [];
  const listener = (message: unknown) => messages.push(message as HedgeMessage);
  subscribe('tenacious:hedge', listener);
  class Search {
    @Hedge({ delay: 50 })
    async query(): Promise<number> {
      return call();
    }
  }
  const search = new Search();
  try {
    const result = search.query();
    await jest.advanceTimersByTimeAsync(49);
    expect(started).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(started.map(({ attempt }) => attempt)).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(30);
    await expect(result).resolves.toBe(2);
    expect(started[0].signal.aborted).toBe(true);
    expect(started[0].signal.reason).toMatchObject({ name: 'AbortError' });
    expect(started[1].signal.aborted).toBe(false);
    expect(messages).toEqual([{ className: 'Search', method: 'query', attempt: 2, delay: 50 }]);
    expect(stats(search.query)).toMatchObject({ calls: 1, attempts: 2, retries: 0 });
  } finally {
    unsubscribe('tenacious:hedge', listener);
  }
});

test('maxHedges left out is 1: one hedge, however long the attempts take', async () => {
  const { started, call } = dependency([1000]);
  const query = retryable(call, { hedge: { delay: 50 }, budget: false });
  const result = query();
  await jest.advanceTimersByTimeAsync(500);
  expect(started.map(({ attempt }) => attempt)).toEqual([1, 2]);
  await jest.advanceTimersByTimeAsync(500);
  await expect(result).resolves.toBe(1);
});

test('an attempt that settles before the delay makes no hedge', async () => {
  const { started, call } = dependency([10]);
  const query = retryable(call, { hedge: { delay: 50 } });
  const result = query();
  await jest.advanceTimersByTimeAsync(10);
  await expect(result).resolves.toBe(1);
  expect(started).toHaveLength(1);
});

test('maxHedges: one more attempt per delay, up to the limit', async () => {
  const { started, call } = dependency([1000, 1000, 1000, 5]);
  const result = withRetry(call, { hedge: { delay: 20, maxHedges: 2 }, maxAttempts: 5 });
  await jest.advanceTimersByTimeAsync(60);
  expect(started.map(({ attempt }) => attempt)).toEqual([1, 2, 3]);
  await jest.advanceTimersByTimeAsync(1000);
  await expect(result).resolves.toBe(1); // no hedge beyond the two: the first finished first
  expect(started).toHaveLength(3);
});

test('hedges count toward maxAttempts', async () => {
  const { started, call } = dependency([100]);
  const result = withRetry(call, { hedge: { delay: 20 }, maxAttempts: 1 });
  await jest.advanceTimersByTimeAsync(100);
  await expect(result).resolves.toBe(1);
  expect(started).toHaveLength(1);
});

test('every attempt failing: the retry loop decides on the last failure, once', async () => {
  let requests = 0;
  const failing = async (): Promise<never> => {
    requests += 1;
    const { attempt } = currentAttempt()!;
    await new Promise((resolve) => setTimeout(resolve, attempt === 1 ? 100 : 10));
    throw Object.assign(new Error(`503 on attempt ${attempt}`), { status: 503 });
  };
  const onRetry = jest.fn();
  const result = withRetry(failing, {
    hedge: { delay: 20 },
    maxAttempts: 3,
    delays: [5],
    onRetry,
  });
  const settled = expect(result).rejects.toThrow('503 on attempt 3');
  await jest.advanceTimersByTimeAsync(1000);
  await settled;
  // Attempts 1 and 2 ran side by side (2 failed first, then 1); one retry, attempt 3, no hedge left.
  expect(requests).toBe(3);
  expect(onRetry).toHaveBeenCalledTimes(1);
  expect(onRetry.mock.calls[0][0]).toMatchObject({ message: '503 on attempt 1' });
});

test('hedges are paid from the retry budget: none left, no hedge', async () => {
  const budget = new RetryBudget({ ratio: 0.01, minPerSecond: 0.05, window: 10_000 });
  const { started, call } = dependency([100]);
  const query = retryable(call, { hedge: { delay: 20 }, budget });
  const first = query();
  await jest.advanceTimersByTimeAsync(100);
  await first; // the one retry the window allows paid for its hedge
  expect(started).toHaveLength(2);
  const second = query();
  await jest.advanceTimersByTimeAsync(100);
  await expect(second).resolves.toBe(1);
  expect(started).toHaveLength(3); // no hedge
  expect(stats(budget)).toMatchObject({ retries: 1, rejections: 1 });
});

test('hedges pass the breaker; a loser counts for nothing; an open circuit refuses the hedge', async () => {
  const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 10_000 });
  const { started, call } = dependency([100, 10]);
  class Search {
    @Hedge({ delay: 20 })
    @CircuitBreaker(breaker)
    async query(): Promise<number> {
      return call();
    }
  }
  const result = new Search().query();
  await jest.advanceTimersByTimeAsync(30);
  await expect(result).resolves.toBe(2);
  await jest.advanceTimersByTimeAsync(0);
  expect(stats(breaker)).toMatchObject({ successes: 1, failures: 0, state: 'closed' });

  const release = breaker.isolate();
  await expect(new Search().query()).rejects.toMatchObject({ code: 'TENACIOUS_CIRCUIT_ISOLATED' });
  release();
  expect(started).toHaveLength(2);
});

test("delay 'p90': no hedge before 20 latencies, then one at the method's 90th percentile", async () => {
  const latencies = [...Array.from({ length: 18 }, () => 10), 40, 40, 1000, 5];
  const { started, call } = dependency(latencies);
  const query = retryable(call, { hedge: { delay: 'p90' }, budget: false });
  for (let index = 0; index < 20; index++) {
    const result = query();
    await jest.advanceTimersByTimeAsync(40);
    await result;
  }
  expect(started).toHaveLength(20); // 20 calls, never hedged
  // The 90th percentile of 18 x 10 ms and 2 x 40 ms is 10 ms: a hedge after 10 ms.
  const slow = query();
  await jest.advanceTimersByTimeAsync(10);
  expect(started).toHaveLength(22);
  await jest.advanceTimersByTimeAsync(5);
  await expect(slow).resolves.toBe(2); // the hedge, attempt 2 of the call, won
});

test("the caller's abort stops every attempt of the step", async () => {
  const { started, call } = dependency([1000]);
  const controller = new AbortController();
  const query = retryable((_options: { signal: AbortSignal }) => call(), {
    hedge: { delay: 20 },
    budget: false,
  });
  const result = query({ signal: controller.signal });
  const settled = expect(result).rejects.toBe('stop');
  await jest.advanceTimersByTimeAsync(25);
  expect(started).toHaveLength(2);
  controller.abort('stop');
  await settled;
  expect(started.every(({ signal }) => signal.aborted)).toBe(true);
});

test('a synchronous method is refused at its first call, saying why', () => {
  class Service {
    // @ts-expect-error -- a synchronous method does not compile under @Hedge either
    @Hedge({ delay: 10 })
    total(): number {
      return 1;
    }
  }
  expect(() => new Service().total()).toThrow(
    /@Hedge on Service\.total: it returned a value that is not a promise/,
  );
});

test('a synchronous function given to retryable is refused naming the hedge option', () => {
  const total = retryable(
    function total() {
      return 1;
    },
    { hedge: { delay: 10 } },
  );
  expect(() => total()).toThrow(
    /^the hedge option of total: it returned a value that is not a promise; the hedge option cannot/,
  );
});

describe('refused with idempotent: false', () => {
  test('@Retry({ idempotent: false }) under or over @Hedge', () => {
    expect(() => {
      class Payments {
        @Retry({ idempotent: false })
        @Hedge({ delay: 10 })
        async pay(): Promise<void> {}
      }
      return Payments;
    }).toThrow(/@Retry\(\{ idempotent: false \}\) on method "pay": the method has @Hedge/);
    expect(() => {
      class Payments {
        @Hedge({ delay: 10 })
        @Retry({ idempotent: false })
        async pay(): Promise<void> {}
      }
      return Payments;
    }).toThrow(/@Hedge on method "pay": the method has @Retry\(\{ idempotent: false \}\)/);
  });

  test('@RetryDefaults({ idempotent: false }) on the class of a @Hedge method', () => {
    expect(() => {
      @RetryDefaults({ idempotent: false })
      class Payments {
        @Hedge({ delay: 10 })
        async pay(): Promise<void> {}
      }
      return Payments;
    }).toThrow(
      /Payments\.pay: hedging .* and idempotent: false \(from @RetryDefaults on Payments\)/,
    );
  });

  test("a subclass's @RetryDefaults({ idempotent: false }) over an inherited @Hedge method names the subclass", () => {
    class Payments {
      @Hedge({ delay: 10 })
      async pay(): Promise<void> {}
    }
    expect(() => {
      @RetryDefaults({ idempotent: false })
      class RetailPayments extends Payments {}
      return RetailPayments;
    }).toThrow(
      /Payments\.pay: hedging .* and idempotent: false \(from @RetryDefaults on RetailPayments\)/,
    );
  });

  test('in one options object', () => {
    expect(() => RetryDefaults({ hedge: { delay: 10 }, idempotent: false })).toThrow(
      /@RetryDefaults: option "hedge" must be left out: hedging runs a call more than once, and idempotent is false/,
    );
    expect(() => withRetry(async () => 1, { hedge: { delay: 10 }, idempotent: false })).toThrow(
      /withRetry: option "hedge" must be left out/,
    );
  });
});

test.each<[string, () => unknown, RegExp]>([
  ['no delay', () => Hedge({} as never), /@Hedge: option "delay" is required/],
  ['a negative delay', () => Hedge({ delay: -1 }), /@Hedge: option "delay" must be .*got -1/],
  [
    'an unknown percentile',
    () => Hedge({ delay: 'p50' as never }),
    /option "delay" must be .*'p90'.*got "p50"/,
  ],
  [
    'maxHedges 0',
    () => Hedge({ delay: 5, maxHedges: 0 }),
    /option "maxHedges" must be an integer >= 1 and <= 10, got 0/,
  ],
  [
    'maxHedges 1.5',
    () => Hedge({ delay: 5, maxHedges: 1.5 }),
    /option "maxHedges" must be .*got 1\.5/,
  ],
  ['an unknown key', () => Hedge({ delay: 5, after: 3 } as never), /unknown option "after"/],
  [
    'in retryable',
    () => retryable(async () => 1, { hedge: { delay: 'soon' as never } }),
    /retryable option "hedge": option "delay" must be .*got "soon"/,
  ],
])('refuses %s, naming the option and the value', (_label, define, message) => {
  expect(define).toThrow(message);
});
