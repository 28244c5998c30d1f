import { getEventListeners } from 'node:events';
import {
  AttemptTimeoutError,
  Breaker,
  ConcurrencyLimiter,
  Fallback,
  Retry,
  RetryBudget,
  RetryDefaults,
  Timeout,
  currentAttempt,
  stats,
  withRetry,
  type AttemptInfo,
} from '../../src';
import { callAsynchronouslyWithRetry } from '../../src/core/call-with-retry';
import { compilePipeline, type PipelinePolicy } from '../../src/core/pipeline';
import { attemptContextRegistration } from '../../src/policies/attempt-context/pipeline-policy';
import { circuitBreakerPolicy } from '../../src/policies/circuit-breaker/pipeline-policy';
import { concurrencyLimitPolicy } from '../../src/policies/concurrency-limit/pipeline-policy';
import { fallbackPolicy } from '../../src/policies/fallback/pipeline-policy';
import { hedgePolicy } from '../../src/policies/hedge/pipeline-policy';
import { validateHedgeOptions } from '../../src/policies/hedge/options';
import { retryBudgetPolicy } from '../../src/policies/retry-budget/pipeline-policy';
import { timeoutPolicy } from '../../src/policies/timeout/pipeline-policy';
import { createRetryPolicy } from '../../src/policy/retry-policy';

// A pipeline whose per-call policies only scope and wrap attempts (`@Timeout`, `attemptContext`)
// runs its first attempt without an outcome (call-with-retry.ts: `scopedFirstAttempt`). This file
// tests which pipelines do, and that their calls end exactly as the general path ends them: the
// counters, the budget, the attempt numbers, the fallback, the caller's abort, nothing left behind.

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

const methodScope = { kind: 'method', owner: undefined, source: 'test' } as const;

describe('which pipelines run a scoped first attempt', () => {
  const compile = (policies: PipelinePolicy[], options = {}) =>
    compilePipeline(createRetryPolicy({ retry: [{ maxAttempts: 2, ...options }] }), policies);
  const attemptContext = attemptContextRegistration.create(true, methodScope)!;

  it('a time limit, an attempt context, or both, with a budget and a fallback beside them', () => {
    expect(compile([timeoutPolicy(100)]).scopedAttemptsOnly).toBe(true);
    expect(compile([attemptContext]).scopedAttemptsOnly).toBe(true);
    expect(compile([timeoutPolicy(100), attemptContext]).scopedAttemptsOnly).toBe(true);
    const besides = compile([
      timeoutPolicy(100),
      retryBudgetPolicy(new RetryBudget()),
      fallbackPolicy({ to: 0, on: undefined }),
    ]);
    expect(besides.scopedAttemptsOnly).toBe(true);
  });

  it('a hedge, alone or with a time limit: it runs the first step (hedged-first-attempt.test.ts)', () => {
    const hedge = () => hedgePolicy(validateHedgeOptions({ delay: 10 }, 'test'));
    expect(compile([hedge()]).scopedAttemptsOnly).toBe(true);
    expect(compile([timeoutPolicy(100), hedge()]).scopedAttemptsOnly).toBe(true);
    expect(compile([hedge(), retryBudgetPolicy(new RetryBudget())]).scopedAttemptsOnly).toBe(true);
  });

  it('not beside a policy that admits, sees or settles attempts', () => {
    const hedge = () => hedgePolicy(validateHedgeOptions({ delay: 10 }, 'test'));
    const cases: PipelinePolicy[][] = [
      [timeoutPolicy(100), circuitBreakerPolicy(new Breaker())],
      [timeoutPolicy(100), concurrencyLimitPolicy(new ConcurrencyLimiter({ maxConcurrent: 1 }))],
      [hedge(), circuitBreakerPolicy(new Breaker())],
      [hedge(), concurrencyLimitPolicy(new ConcurrencyLimiter({ maxConcurrent: 1 }))],
      [retryBudgetPolicy(new RetryBudget())],
    ];
    for (const policies of cases) expect(compile(policies).scopedAttemptsOnly).toBe(false);
  });

  it('not with retryOnResult or onSuccess, which look at the first value', () => {
    expect(compile([timeoutPolicy(100)], { retryOnResult: () => false }).scopedAttemptsOnly).toBe(
      false,
    );
    const told = compile([timeoutPolicy(100)], { onSuccess: () => undefined });
    expect(told.settleCall).toHaveLength(1);
    expect(told.scopedAttemptsOnly).toBe(false);
  });
});

describe('a scoped first attempt ends the call as the general path does', () => {
  const exact = { maxAttempts: 3, delays: [10] } as const;

  it('a success: its value, counted once, one attempt, the budget told once', async () => {
    const budget = new RetryBudget();
    const seen: (AttemptInfo | undefined)[] = [];
    class Service {
      @Retry({ ...exact, budget })
      @Timeout(100)
      async fetch(value: number): Promise<number> {
        seen.push(currentAttempt(), currentAttempt());
        await Promise.resolve();
        return value + 1;
      }
    }
    const service = new Service();
    await expect(service.fetch(1)).resolves.toBe(2);
    expect(stats(service.fetch)).toMatchObject({ calls: 1, attempts: 1, retries: 0, giveUps: 0 });
    expect(stats(budget)).toMatchObject({ calls: 1, retries: 0 });
    // What `currentAttempt()` returns is made once per attempt, frozen.
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]?.attempt).toBe(1);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('a rejected first attempt is retried, in a new scope, and counted as a retry', async () => {
    const attempts: number[] = [];
    const signals: AbortSignal[] = [];
    const caller = new AbortController();
    class Service {
      @Retry({ ...exact, budget: false })
      @Timeout(100)
      async fetch(_options: { signal: AbortSignal }): Promise<string> {
        const { attempt, signal } = currentAttempt()!;
        attempts.push(attempt);
        signals.push(signal);
        await Promise.resolve();
        if (attempt === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return `attempt ${attempt}`;
      }
    }
    const service = new Service();
    const call = service.fetch({ signal: caller.signal });
    await jest.advanceTimersByTimeAsync(10);
    await expect(call).resolves.toBe('attempt 2');
    expect(attempts).toEqual([1, 2]);
    expect(signals[0]).not.toBe(signals[1]);
    // Each attempt's scope let go of the caller's signal when the attempt settled.
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(stats(service.fetch)).toMatchObject({ calls: 1, attempts: 2, retries: 1 });
  });

  it('a first attempt past its limit fails with AttemptTimeoutError, then the retry answers', async () => {
    const reasons: unknown[] = [];
    class Service {
      @Retry({ ...exact, budget: false })
      @Timeout(100)
      fetch(): Promise<string> {
        const { attempt, signal } = currentAttempt()!;
        if (attempt > 1) return Promise.resolve('second');
        // Ignores its signal: the time limit's race ends the attempt all the same.
        signal.addEventListener('abort', () => reasons.push(signal.reason));
        return new Promise(() => undefined);
      }
    }
    const call = new Service().fetch();
    await jest.advanceTimersByTimeAsync(110);
    await expect(call).resolves.toBe('second');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(AttemptTimeoutError);
  });

  it('a call that fails for good is offered to the fallback, and the give-up is counted', async () => {
    class Service {
      @Retry({ maxAttempts: 2, delays: [10], budget: false })
      @Timeout(100)
      @Fallback((error: unknown) => `fell back from ${(error as Error).message}`)
      async fetch(): Promise<string> {
        await Promise.resolve();
        throw Object.assign(new Error('down'), { code: 'ECONNRESET' });
      }
    }
    const service = new Service();
    const call = service.fetch();
    await jest.advanceTimersByTimeAsync(10);
    await expect(call).resolves.toBe('fell back from down');
    expect(stats(service.fetch)).toMatchObject({ calls: 1, attempts: 2, giveUps: 1 });
  });

  it("the caller's abort ends the attempt at once, and its signal is left with no listener", async () => {
    const controller = new AbortController();
    let started = 0;
    class Service {
      @Retry({ ...exact, budget: false })
      @Timeout(1_000)
      fetch(_options: { signal: AbortSignal }): Promise<string> {
        started += 1;
        return new Promise(() => undefined);
      }
    }
    const call = new Service().fetch({ signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort').length).toBeGreaterThan(0);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(started).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a plain value is refused with a TypeError at the first call, and not retried', async () => {
    let calls = 0;
    class Service {
      @Retry({ ...exact, budget: false })
      // @ts-expect-error -- a synchronous method does not compile under @Timeout either
      @Timeout(100)
      fetch(): string {
        calls += 1;
        return 'plain';
      }
    }
    expect(() => new Service().fetch()).toThrow(/@Timeout on Service\.fetch: it returned a value/);
    expect(calls).toBe(1);
    await Promise.resolve();
  });

  it('attemptContext: true alone gives currentAttempt() to every attempt, sync ones included', async () => {
    @RetryDefaults({ attemptContext: true, budget: false })
    class Service {
      @Retry(exact)
      read(): number {
        return currentAttempt()!.attempt;
      }

      @Retry(exact)
      async fetch(): Promise<number> {
        await Promise.resolve();
        return currentAttempt()!.attempt;
      }
    }
    const service = new Service();
    expect(service.read()).toBe(1);
    await expect(service.fetch()).resolves.toBe(1);
    expect(currentAttempt()).toBeUndefined();
  });

  it('withRetry takes it too, and answers with a promise', async () => {
    const value = withRetry(async () => currentAttempt()!.attempt, { timeout: 100 });
    await expect(value).resolves.toBe(1);
  });

  it('a signal option that throws ends an async call with a rejection, offered to the fallback', async () => {
    const thrown = new Error('signal option threw');
    const options = {
      budget: false,
      signal: () => {
        throw thrown;
      },
    } as const;
    class Service {
      @Retry({ ...exact, ...options })
      @Timeout(100)
      async fetch(): Promise<string> {
        return 'ok';
      }

      @Retry({ ...exact, ...options })
      @Timeout(100)
      @Fallback('fell back')
      async recovered(): Promise<string> {
        return 'ok';
      }
    }
    const service = new Service();
    const call = service.fetch();
    expect(call).toBeInstanceOf(Promise);
    await expect(call).rejects.toBe(thrown);
    await expect(service.recovered()).resolves.toBe('fell back');
  });
});

describe('a time limit answers the call from its first attempt', () => {
  it('the first attempt runs through wrapFirstAttempt, a retry through wrapAttempt', async () => {
    const timeout = timeoutPolicy(100);
    const wrapFirstAttempt = jest.spyOn(timeout, 'wrapFirstAttempt');
    const wrapAttempt = jest.spyOn(timeout, 'wrapAttempt');
    const pipeline = compilePipeline(
      createRetryPolicy({ retry: [{ maxAttempts: 2, delays: [10] }] }),
      [timeout],
    );
    let attempts = 0;
    const fetch = async (): Promise<number> => {
      attempts += 1;
      await Promise.resolve();
      if (attempts === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
      return attempts;
    };
    const result = callAsynchronouslyWithRetry(pipeline, fetch, undefined, []);
    await jest.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toBe(2);
    expect(wrapFirstAttempt).toHaveBeenCalledTimes(1);
    expect(wrapAttempt).toHaveBeenCalledTimes(1);
  });
});

describe('a hostile first value', () => {
  const reset = (message: string) => Object.assign(new Error(message), { code: 'ECONNRESET' });
  class ThrowingThen extends Promise<string> {
    override then(): never {
      throw reset('then threw');
    }
  }
  const hostileValues: [string, () => Promise<string>][] = [
    ['a Promise subclass whose then throws', () => new ThrowingThen(() => undefined)],
    [
      'a promise whose then getter throws',
      () =>
        Object.defineProperty(Promise.resolve('never seen'), 'then', {
          get() {
            throw reset('then getter threw');
          },
        }),
    ],
  ];

  it.each(hostileValues)(
    '%s is a failed attempt, retried, its scope released',
    async (_name, hostile) => {
      const caller = new AbortController();
      let attempts = 0;
      const fetch = (): Promise<string> => {
        attempts += 1;
        return attempts === 1 ? hostile() : Promise.resolve('second');
      };
      const call = withRetry(fetch, {
        maxAttempts: 3,
        delays: [10],
        budget: false,
        attemptContext: true,
        signal: caller.signal,
      });
      await jest.advanceTimersByTimeAsync(10);
      await expect(call).resolves.toBe('second');
      expect(attempts).toBe(2);
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    },
  );
});

describe('a time limit that answers the call adopts a thenable value first', () => {
  // A thenable's `then` may fulfil with another thenable. The race of `wrapAttempt` adopts it, so
  // its failure is the attempt's (retried) and the attempt's scope follows the caller's abort until
  // it settles; the race that answers the call must do the same.
  const nested = (inner: () => PromiseLike<string>): PromiseLike<string> => ({
    then(onFulfilled) {
      setTimeout(() => onFulfilled!(inner() as unknown as string), 5);
      return undefined as never;
    },
  });

  it('a thenable fulfilled with a rejected promise is a failed attempt, retried', async () => {
    let attempts = 0;
    const onGiveUp = jest.fn();
    const fetch = (): PromiseLike<string> => {
      attempts += 1;
      if (attempts > 1) return Promise.resolve('second');
      return nested(() =>
        Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
      );
    };
    const call = withRetry(fetch, { timeout: 100, maxAttempts: 2, delays: [10], onGiveUp });
    await jest.advanceTimersByTimeAsync(15);
    await expect(call).resolves.toBe('second');
    expect(attempts).toBe(2);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it("the attempt's signal still follows the caller's abort while the value is adopted", async () => {
    const caller = new AbortController();
    const fetch = (): PromiseLike<string> => {
      const { signal } = currentAttempt()!;
      return nested(
        () =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => resolve('too late'), 100);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(signal.reason as Error);
            });
          }),
      );
    };
    const reason = new Error('the caller gave up');
    const call = withRetry(fetch, { timeout: 50, maxAttempts: 2, signal: caller.signal });
    const settled = call.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await jest.advanceTimersByTimeAsync(20);
    caller.abort(reason);
    await jest.advanceTimersByTimeAsync(200);
    await expect(settled).resolves.toEqual({ error: reason });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});

describe('a time limit that answers the call hands a failure on in a reaction', () => {
  // As after the race of `wrapAttempt`: a first attempt that fails at once (a thenable whose
  // `then` throws, or rejects from within `then`) is retried after the call has returned, so the
  // hooks (onRetry, onGiveUp, the diagnostics channels) never run inside the call itself.
  const failingThenables: readonly [string, () => PromiseLike<string>][] = [
    [
      'whose then throws',
      () => ({
        then() {
          throw Object.assign(new Error('then threw'), { code: 'ECONNRESET' });
        },
      }),
    ],
    [
      'that rejects from within then',
      () => ({
        then(_onFulfilled, onRejected) {
          onRejected!(Object.assign(new Error('rejected at once'), { code: 'ECONNRESET' }));
          return undefined as never;
        },
      }),
    ],
  ];

  class ThrowingSpecies extends Promise<string> {
    static override get [Symbol.species](): PromiseConstructor {
      throw Object.assign(new Error('species threw'), { code: 'ECONNRESET' });
    }
  }
  const failing: readonly [string, () => PromiseLike<string>][] = [
    ...failingThenables,
    ['whose species throws (a Promise subclass)', () => new ThrowingSpecies(() => undefined)],
  ];

  for (const [name, thenable] of failing) {
    it(`a thenable ${name}: onRetry and onGiveUp run after the call returned`, async () => {
      const events: string[] = [];
      let attempts = 0;
      const fetch = (): PromiseLike<string> => {
        attempts += 1;
        return thenable();
      };
      const call = withRetry(fetch, {
        timeout: 50,
        maxAttempts: 2,
        delays: [10],
        onRetry: () => events.push('onRetry'),
        onGiveUp: () => events.push('onGiveUp'),
      });
      events.push('returned');
      const settled = call.catch(() => events.push('rejected'));
      await jest.advanceTimersByTimeAsync(10);
      await settled;
      expect(attempts).toBe(2);
      expect(events).toEqual(['returned', 'onRetry', 'onGiveUp', 'rejected']);
    });
  }
});

describe("a time limit that answers the call runs the retries in the caller's context", () => {
  it('a thenable that fails from inside the attempt: the hooks and the fallback see no attempt', async () => {
    const seen: [string, number | undefined][] = [];
    const note = (name: string): void => {
      seen.push([name, currentAttempt()?.attempt]);
    };
    const fetch = (): PromiseLike<string> => {
      let rejectAttempt: ((error: unknown) => void) | undefined;
      // A reaction made inside the attempt runs in its async context, as an I/O callback would.
      void Promise.resolve().then(() =>
        rejectAttempt?.(Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
      );
      return {
        then(_onFulfilled, onRejected) {
          rejectAttempt = onRejected!;
          return undefined as never;
        },
      };
    };
    const call = withRetry(fetch, {
      timeout: 50,
      maxAttempts: 2,
      delays: [10],
      onRetry: () => note('onRetry'),
      onGiveUp: () => note('onGiveUp'),
      fallback: {
        to: () => {
          note('fallback');
          return 'fell back';
        },
      },
    });
    await jest.advanceTimersByTimeAsync(10);
    await expect(call).resolves.toBe('fell back');
    expect(seen).toEqual([
      ['onRetry', undefined],
      ['onGiveUp', undefined],
      ['fallback', undefined],
    ]);
  });
});
