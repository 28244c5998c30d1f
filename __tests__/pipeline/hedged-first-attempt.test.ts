import { getEventListeners } from 'node:events';
import {
  AttemptTimeoutError,
  Fallback,
  Hedge,
  Retry,
  RetryBudget,
  Timeout,
  currentAttempt,
  stats,
  withRetry,
} from '../../src';
import { callAsynchronouslyWithRetry } from '../../src/core/call-with-retry';
import { compilePipeline } from '../../src/core/pipeline';
import { hedgePolicy } from '../../src/policies/hedge/pipeline-policy';
import { validateHedgeOptions } from '../../src/policies/hedge/options';
import { createRetryPolicy } from '../../src/policy/retry-policy';

// Where nothing but the hedge (and a time limit, a budget, a fallback) sees a call's attempts, the
// hedge runs the call's first step on the method's own promises and answers the call with the
// winning value (pipeline.ts: `stepFirstAttempt`); later steps take the general `stepAttempt`.
// This file tests that the first step ends the call exactly as the general step did: the winner,
// the aborted losers, the counters, the budget, the retry after a failed step, the fallback, the
// caller's abort, and nothing left behind.

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

const reset = (attempt: number) =>
  Object.assign(new Error(`reset on attempt ${attempt}`), { code: 'ECONNRESET' });

/**
 * A dependency whose n-th request takes `plan[n - 1].after` ms (the last repeats) and then
 * answers with its attempt number or fails, or rejects with its signal's reason when aborted.
 */
function dependency(plan: readonly { readonly after: number; readonly fails?: boolean }[]) {
  const started: Started[] = [];
  const call = (): Promise<number> => {
    const { attempt, signal } = currentAttempt()!;
    started.push({ attempt, signal });
    const { after, fails = false } = plan[Math.min(started.length, plan.length) - 1];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (fails ? reject(reset(attempt)) : resolve(attempt)), after);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      });
    });
  };
  return { started, call };
}

it('the first step runs through stepFirstAttempt, a retry through stepAttempt', async () => {
  const hedge = hedgePolicy(validateHedgeOptions({ delay: 50 }, 'test'));
  const stepFirstAttempt = jest.spyOn(hedge, 'stepFirstAttempt');
  const stepAttempt = jest.spyOn(hedge, 'stepAttempt');
  const pipeline = compilePipeline(
    createRetryPolicy({ retry: [{ maxAttempts: 2, delays: [10] }] }),
    [hedge],
  );
  const { started, call } = dependency([{ after: 5, fails: true }, { after: 5 }]);
  const result = callAsynchronouslyWithRetry(pipeline, call, undefined, []);
  await jest.advanceTimersByTimeAsync(20);
  await expect(result).resolves.toBe(2);
  expect(started.map(({ attempt }) => attempt)).toEqual([1, 2]);
  expect(stepFirstAttempt).toHaveBeenCalledTimes(1);
  expect(stepAttempt).toHaveBeenCalledTimes(1);
});

it('a hedge that wins answers the call; the first attempt is aborted; the hedge is paid', async () => {
  const budget = new RetryBudget();
  const caller = new AbortController();
  const { started, call } = dependency([{ after: 1_000 }, { after: 10 }]);
  class Search {
    @Retry({ maxAttempts: 3, budget })
    @Hedge({ delay: 50 })
    async query(_options: { signal: AbortSignal }): Promise<number> {
      return call();
    }
  }
  const search = new Search();
  const result = search.query({ signal: caller.signal });
  expect(getEventListeners(caller.signal, 'abort').length).toBeGreaterThan(0);
  await jest.advanceTimersByTimeAsync(60);
  await expect(result).resolves.toBe(2);
  expect(started.map(({ attempt }) => attempt)).toEqual([1, 2]);
  expect(started[0].signal.reason).toMatchObject({ name: 'AbortError' });
  expect(started[1].signal.aborted).toBe(false);
  expect(stats(search.query)).toMatchObject({ calls: 1, attempts: 2, retries: 0, giveUps: 0 });
  expect(stats(budget)).toMatchObject({ calls: 1, retries: 1 });
  // Both attempts' scopes let go of the caller's signal, and so did the step.
  expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
});

it('the first attempt that wins after a hedge started aborts the hedge; its rejection is quiet', async () => {
  const { started, call } = dependency([{ after: 70 }, { after: 1_000 }]);
  class Search {
    @Retry({ maxAttempts: 3, budget: false })
    @Hedge({ delay: 50 })
    async query(): Promise<number> {
      return call();
    }
  }
  const search = new Search();
  const result = search.query();
  await jest.advanceTimersByTimeAsync(70);
  await expect(result).resolves.toBe(1);
  expect(started[1].signal.reason).toMatchObject({ name: 'AbortError' });
  expect(stats(search.query)).toMatchObject({ calls: 1, attempts: 2, retries: 0 });
});

it('every attempt of the first step failing: the retry loop goes on from the last failure', async () => {
  const caller = new AbortController();
  const onRetry = jest.fn();
  const { started, call } = dependency([
    { after: 100, fails: true },
    { after: 10, fails: true },
    { after: 5 },
  ]);
  const result = withRetry(call, {
    hedge: { delay: 20 },
    maxAttempts: 3,
    delays: [5],
    budget: false,
    onRetry,
    signal: caller.signal,
  });
  await jest.advanceTimersByTimeAsync(200);
  await expect(result).resolves.toBe(3);
  expect(started.map(({ attempt }) => attempt)).toEqual([1, 2, 3]);
  expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  // Attempt 2 failed at 30 ms, attempt 1 at 100 ms: the step's failure is the last one.
  expect(onRetry).toHaveBeenCalledTimes(1);
  expect(onRetry.mock.calls[0][0]).toMatchObject({ message: 'reset on attempt 1' });
});

it('a call that fails for good in its first step is offered to the fallback, its give-up counted', async () => {
  const { call } = dependency([{ after: 100, fails: true }]);
  class Search {
    @Retry({ maxAttempts: 2, budget: false })
    @Hedge({ delay: 50 })
    @Fallback((error: unknown) => `fell back from ${(error as Error).message}`)
    async query(): Promise<number | string> {
      return call();
    }
  }
  const search = new Search();
  const result = search.query();
  await jest.advanceTimersByTimeAsync(200);
  await expect(result).resolves.toBe('fell back from reset on attempt 2');
  expect(stats(search.query)).toMatchObject({ calls: 1, attempts: 2, giveUps: 1 });
});

it("the caller's abort stops both attempts, ends the call with its reason, and starts no hedge", async () => {
  const caller = new AbortController();
  const { started, call } = dependency([{ after: 1_000 }]);
  const result = withRetry(call, {
    hedge: { delay: 20, maxHedges: 2 },
    maxAttempts: 5,
    budget: false,
    signal: caller.signal,
  });
  await jest.advanceTimersByTimeAsync(30);
  expect(started).toHaveLength(2);
  const reason = new Error('caller gave up');
  caller.abort(reason);
  await expect(result).rejects.toBe(reason);
  await jest.advanceTimersByTimeAsync(100);
  expect(started).toHaveLength(2);
  expect(started.map(({ signal }) => signal.reason as unknown)).toEqual([reason, reason]);
  expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
});

it('with a time limit: an attempt past it fails the step when no hedge runs beside it', async () => {
  const { started, call } = dependency([{ after: 1_000 }, { after: 5 }]);
  class Search {
    @Retry({ maxAttempts: 3, delays: [10], budget: false })
    @Hedge({ delay: 50 })
    @Timeout(30)
    async query(): Promise<number> {
      return call();
    }
  }
  const search = new Search();
  const result = search.query();
  await jest.advanceTimersByTimeAsync(50);
  await expect(result).resolves.toBe(2);
  expect(started[0].signal.reason).toBeInstanceOf(AttemptTimeoutError);
  // The step failed at 30 ms, before its hedge was due: attempt 2 is a retry, not a hedge.
  expect(stats(search.query)).toMatchObject({ calls: 1, attempts: 2, retries: 1 });
});

it('with a time limit: a hedge that wins clears both attempts’ time limits', async () => {
  const { started, call } = dependency([{ after: 1_000 }, { after: 10 }]);
  class Search {
    @Retry({ maxAttempts: 3, budget: false })
    @Hedge({ delay: 20 })
    @Timeout(500)
    async query(): Promise<number> {
      return call();
    }
  }
  const result = new Search().query();
  await jest.advanceTimersByTimeAsync(30);
  await expect(result).resolves.toBe(2);
  expect(started[0].signal.reason).toMatchObject({ name: 'AbortError' });
  // afterEach: no time limit's timer is left.
});

it('a signal option that throws ends the call with a rejection, offered to the fallback', async () => {
  const thrown = new Error('signal option threw');
  const signal = () => {
    throw thrown;
  };
  class Search {
    @Retry({ maxAttempts: 2, budget: false, signal })
    @Hedge({ delay: 50 })
    async query(): Promise<string> {
      return 'ok';
    }

    @Retry({ maxAttempts: 2, budget: false, signal })
    @Hedge({ delay: 50 })
    @Fallback('fell back')
    async recovered(): Promise<string> {
      return 'ok';
    }
  }
  const search = new Search();
  const call = search.query();
  expect(call).toBeInstanceOf(Promise);
  await expect(call).rejects.toBe(thrown);
  await expect(search.recovered()).resolves.toBe('fell back');
});

it('a thenable is adopted; a promise whose then getter throws is a failed attempt, retried', async () => {
  const caller = new AbortController();
  let attempts = 0;
  const hostile = (): PromiseLike<string> => {
    attempts += 1;
    if (attempts === 2) return { then: (resolve) => Promise.resolve('thenable').then(resolve) };
    return Object.defineProperty(Promise.resolve('never seen'), 'then', {
      get() {
        throw reset(attempts);
      },
    });
  };
  const result = withRetry(hostile, {
    hedge: { delay: 50 },
    maxAttempts: 3,
    delays: [10],
    budget: false,
    signal: caller.signal,
  });
  await jest.advanceTimersByTimeAsync(20);
  await expect(result).resolves.toBe('thenable');
  expect(attempts).toBe(2);
  expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
});
