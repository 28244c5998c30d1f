import {
  Breaker,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimitError,
  ErrorCategory,
  Fallback,
  HttpError,
  RateLimit,
  RateLimiter,
  RateLimitExceededError,
  Retry,
  stats,
  withRetry,
} from '../../src';
import { compilePipeline, firstAttemptKinds, type PipelinePolicy } from '../../src/core/pipeline';
import { circuitBreakerPolicy } from '../../src/policies/circuit-breaker/pipeline-policy';
import { concurrencyLimitPolicy } from '../../src/policies/concurrency-limit/pipeline-policy';
import { fallbackPolicy } from '../../src/policies/fallback/pipeline-policy';
import { rateLimiterPolicy } from '../../src/policies/rate-limit/pipeline-policy';
import { createRetryPolicy } from '../../src/policy/retry-policy';

// The call-level policies on the fast path (src/core/fast-path/README.md): a fallback needs
// nothing until the call has failed for good, a free concurrency slot and a rate-limit turn that
// is now are a first attempt's ticket. What the slow path does for them is tested with each
// policy; this file tests the hand-over: which pipelines take the fast path, and that a call
// that leaves it (a failure, no free slot, a turn to wait for, a refusal) ends exactly as the
// slow path ends it.

const exact = { initialDelay: 100, maxDelay: 100, jitter: 'none', budget: false } as const;
const methodScope = { kind: 'method', owner: undefined, source: '@RateLimit' } as const;

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('which pipelines take the fast path', () => {
  const compile = (policies: PipelinePolicy[], options = {}) =>
    compilePipeline(createRetryPolicy({ retry: [{ maxAttempts: 2, ...options }] }), policies);

  it('a fallback alone is lean: its calls run as retry lanes alone do', () => {
    const pipeline = compile([fallbackPolicy({ to: 0, on: undefined })]);
    expect(pipeline.guarded).toBe(false);
    expect(pipeline.firstAttempt).toBe(firstAttemptKinds.plain);
  });

  it('a fallback with retryOnResult is guarded: the predicate may throw on the first attempt', () => {
    const pipeline = compile([fallbackPolicy({ to: 0, on: undefined })], {
      retryOnResult: () => false,
    });
    expect(pipeline.guarded).toBe(true);
  });

  it('a concurrency limit, or a rate limit without cost, is a ticketed first attempt', () => {
    const limited = compile([concurrencyLimitPolicy(new ConcurrencyLimiter({ maxConcurrent: 1 }))]);
    expect(limited.firstAttempt).toBe(firstAttemptKinds.ticketed);
    expect(limited.firstAttemptGuard?.kind).toBe('concurrency-limit');
    const paced = compile([
      rateLimiterPolicy(new RateLimiter({ limit: 5, interval: 1_000 }), methodScope),
    ]);
    expect(paced.firstAttempt).toBe(firstAttemptKinds.ticketed);
    expect(paced.firstAttemptGuard?.kind).toBe('rate-limiter');
    const withFallback = compile([
      rateLimiterPolicy(new RateLimiter({ limit: 5, interval: 1_000 }), methodScope),
      fallbackPolicy({ to: 0, on: undefined }),
    ]);
    expect(withFallback.firstAttemptGuard?.kind).toBe('rate-limiter');
  });

  it('not with a cost, nor beside another per-call policy: one ticket per call at most', () => {
    const weighed = compile([
      rateLimiterPolicy(new RateLimiter({ limit: 5, interval: 1_000, cost: () => 1 }), methodScope),
    ]);
    expect(weighed.firstAttemptGuard).toBeUndefined();
    const stacked = compile([
      concurrencyLimitPolicy(new ConcurrencyLimiter({ maxConcurrent: 1 })),
      circuitBreakerPolicy(new Breaker()),
    ]);
    expect(stacked.firstAttemptGuard).toBeUndefined();
    expect(stacked.firstAttempt).toBe(firstAttemptKinds.general);
  });
});

describe('a fallback on the lean path', () => {
  it('answers a synchronous call that failed for good, synchronously, after its retries', () => {
    let attempts = 0;
    class Service {
      @Fallback((_error: unknown, value: number) => `fallback for ${value}`)
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 3, retryOn: () => true })
      compute(value: number): string {
        attempts += 1;
        throw new Error(`failed ${value}`);
      }
    }
    expect(new Service().compute(7)).toBe('fallback for 7');
    expect(attempts).toBe(3);
  });

  it('answers a method that threw, then rejected on a retry', async () => {
    let attempts = 0;
    class Service {
      @Fallback('fallen back')
      @Retry({ ...exact, maxAttempts: 2, retryOn: () => true })
      call(): Promise<string> {
        attempts += 1;
        if (attempts === 1) throw new HttpError(503);
        return Promise.reject(new HttpError(503));
      }
    }
    const call = new Service().call();
    expect(call).toBeInstanceOf(Promise);
    await jest.advanceTimersByTimeAsync(100);
    await expect(call).resolves.toBe('fallen back');
    expect(attempts).toBe(2);
  });

  it("answers an async call's final rejection with the function's value, its `this` and arguments", async () => {
    class Service {
      readonly name = 'service';
      @Fallback(function (this: Service, error: unknown, id: string) {
        return `${this.name}: ${id} after ${(error as HttpError).status}`;
      })
      @Retry({ ...exact, maxAttempts: 2 })
      async get(_id: string): Promise<string> {
        throw new HttpError(503);
      }
    }
    const call = new Service().get('a');
    await jest.advanceTimersByTimeAsync(100);
    await expect(call).resolves.toBe('service: a after 503');
  });

  it('lets a failure that `on` does not accept stand, and never answers a success', async () => {
    const fallback = jest.fn(() => 'fallen back');
    class Service {
      @Fallback(fallback, { on: [ErrorCategory.RETRYABLE] })
      @Retry({ ...exact, maxAttempts: 1 })
      async call(status: number): Promise<string> {
        if (status === 200) return 'ok';
        throw new HttpError(status);
      }
    }
    const service = new Service();
    await expect(service.call(200)).resolves.toBe('ok');
    await expect(service.call(404)).rejects.toMatchObject({ status: 404 });
    expect(fallback).not.toHaveBeenCalled();
  });

  it('answers a thenable whose `then` throws, as a rejection', async () => {
    class Service {
      @Fallback('fallen back')
      @Retry({ maxAttempts: 1, budget: false })
      call(): PromiseLike<string> {
        return {
          then() {
            throw new HttpError(400);
          },
        } as unknown as PromiseLike<string>;
      }
    }
    await expect(new Service().call()).resolves.toBe('fallen back');
  });

  it('through withRetry too', async () => {
    const call = withRetry(
      async () => {
        throw new HttpError(503);
      },
      { ...exact, maxAttempts: 1, fallback: { to: 'fallen back' } },
    );
    await expect(call).resolves.toBe('fallen back');
  });
});

describe('a concurrency slot as the ticket', () => {
  it('is given back when a synchronous or an async call succeeds', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    let finish: (value: string) => void = () => undefined;
    class Service {
      @ConcurrencyLimit(limiter)
      compute(): number {
        return limiter.running;
      }

      @ConcurrencyLimit(limiter)
      call(): Promise<string> {
        return new Promise((resolve) => {
          finish = resolve;
        });
      }
    }
    const service = new Service();
    expect(service.compute()).toBe(1); // it held the slot while it ran
    expect(limiter.running).toBe(0);
    const call = service.call();
    expect(limiter.running).toBe(1);
    expect(() => service.compute()).toThrow(ConcurrencyLimitError);
    finish('done');
    await expect(call).resolves.toBe('done');
    expect(limiter.running).toBe(0);
    expect(stats(limiter)).toMatchObject({ admitted: 2, rejections: 1, running: 0 });
  });

  it('is held across the retries of a call whose first attempt failed, and given back once', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    let attempts = 0;
    class Service {
      @Retry({ ...exact, maxAttempts: 3 })
      @ConcurrencyLimit(limiter)
      async call(): Promise<number> {
        attempts += 1;
        if (attempts < 3) throw new HttpError(503);
        return attempts;
      }
    }
    const call = new Service().call();
    await jest.advanceTimersByTimeAsync(150);
    expect(limiter.running).toBe(1);
    await jest.advanceTimersByTimeAsync(100);
    await expect(call).resolves.toBe(3);
    expect(limiter.running).toBe(0);
    expect(stats(limiter)).toMatchObject({ admitted: 1, running: 0 });
  });

  it('a call that finds no slot waits in the queue, in order, from the slow path', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 2 });
    const order: number[] = [];
    class Service {
      @ConcurrencyLimit(limiter)
      async call(id: number): Promise<number> {
        order.push(id);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return id;
      }
    }
    const service = new Service();
    const calls = [service.call(1), service.call(2), service.call(3)];
    expect(limiter.queued).toBe(2);
    await jest.advanceTimersByTimeAsync(30);
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
    expect(limiter.running).toBe(0);
  });

  it('under a queue, a plain method is checked by the slow path on every call: a plain value is misuse', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
    class Service {
      @ConcurrencyLimit(limiter)
      call(asPromise: boolean): unknown {
        return asPromise ? Promise.resolve('promised') : 'plain';
      }
    }
    const service = new Service();
    expect(() => service.call(false)).toThrow(/returned a value that is not a promise/);
    expect(limiter.running).toBe(0);
    await expect(service.call(true)).resolves.toBe('promised');
    expect(() => service.call(false)).toThrow(/returned a value that is not a promise/);
    expect(limiter.running).toBe(0);
  });

  /** One call of a plain method under `limiter`, without retries, that answers `answer()`. */
  const callLimited = (
    limiter: ConcurrencyLimiter,
    answer: () => PromiseLike<string>,
  ): PromiseLike<string> => {
    class Service {
      @Retry({ maxAttempts: 1, budget: false })
      @ConcurrencyLimit(limiter)
      call(): PromiseLike<string> {
        return answer();
      }
    }
    return new Service().call();
  };

  it('a thenable whose `then` throws is a rejection, and its slot is given back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const call = callLimited(
      limiter,
      () =>
        ({
          then() {
            throw new HttpError(400);
          },
        }) as unknown as PromiseLike<string>,
    );
    await expect(call).rejects.toMatchObject({ status: 400 });
    expect(limiter.running).toBe(0);
  });

  it('a Promise subclass whose `then` throws is adopted too, and its slot is given back', async () => {
    class ThrowingThen<Value> extends Promise<Value> {
      override then(): never {
        throw new HttpError(400);
      }
    }
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const call = callLimited(limiter, () => new ThrowingThen<string>(() => undefined));
    expect(call.constructor).toBe(Promise);
    await expect(call).rejects.toMatchObject({ status: 400 });
    expect(limiter.running).toBe(0);
  });

  it('a value whose `then` getter throws is a failed attempt, and its slot is given back', () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const hostile = Object.defineProperty(Promise.resolve('never seen'), 'then', {
      get() {
        throw new HttpError(400);
      },
    });
    // A method that is not `async` and failed as it returned: the call fails as it was made.
    expect(() => callLimited(limiter, () => hostile)).toThrow(HttpError);
    expect(limiter.running).toBe(0);
  });

  it('a promise whose `constructor` getter throws is a rejection, and its slot is given back', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const hostile = Object.defineProperty(Promise.resolve('never seen'), 'constructor', {
      get() {
        throw new HttpError(400);
      },
    });
    await expect(callLimited(limiter, () => hostile)).rejects.toMatchObject({ status: 400 });
    expect(limiter.running).toBe(0);
  });

  it('a thenable that calls back twice gives its slot back once', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const call = callLimited(
      limiter,
      () =>
        ({
          then(onFulfilled?: (value: string) => unknown) {
            onFulfilled?.('first');
            onFulfilled?.('second');
            return Promise.resolve('first');
          },
        }) as PromiseLike<string>,
    );
    await expect(call).resolves.toBe('first');
    expect(limiter.running).toBe(0);
  });
});

describe("a breaker's probe as the ticket", () => {
  it.each([
    [
      'a native promise whose own `then` throws: a rejection',
      () =>
        Object.assign(Promise.resolve('never seen'), {
          then(): never {
            throw new HttpError(503);
          },
        }),
      'rejects',
    ],
    [
      'a value whose `then` getter throws: a throw, as the call was made',
      () =>
        Object.defineProperty(Promise.resolve('never seen'), 'then', {
          get() {
            throw new HttpError(503);
          },
        }),
      'throws',
    ],
  ] as const)(
    'a probe that answers %s counts as a failure: the circuit reopens',
    async (_label, hostile, how) => {
      const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
      let answer: () => PromiseLike<string> = () => Promise.reject(new HttpError(503));
      class Service {
        @Retry({ maxAttempts: 1, budget: false })
        @CircuitBreaker(breaker)
        call(): PromiseLike<string> {
          return answer();
        }
      }
      const service = new Service();
      await expect(service.call()).rejects.toMatchObject({ status: 503 });
      expect(breaker.state).toBe('open');
      jest.advanceTimersByTime(1_000);
      answer = hostile;
      if (how === 'throws') expect(() => service.call()).toThrow(HttpError);
      else await expect(service.call()).rejects.toMatchObject({ status: 503 });
      expect(breaker.state).toBe('open');
    },
  );
});

describe('a hostile value in the slow path', () => {
  it('a breaker beside a concurrency limit counts it as a failed attempt; the slot is given back', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    class Service {
      @Retry({ maxAttempts: 1, budget: false })
      @ConcurrencyLimit(limiter)
      @CircuitBreaker(breaker)
      call(): PromiseLike<string> {
        return Object.defineProperty(Promise.resolve('never seen'), 'then', {
          get() {
            throw new HttpError(503);
          },
        });
      }
    }
    expect(() => new Service().call()).toThrow(HttpError);
    expect(breaker.state).toBe('open');
    expect(limiter.running).toBe(0);
  });
});

describe('a hostile value on the lean path', () => {
  it('a value whose `then` getter throws is a failed attempt: retried, then thrown as the call was made', () => {
    let attempts = 0;
    class Service {
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 3, budget: false })
      call(): PromiseLike<string> {
        attempts += 1;
        return Object.defineProperty({}, 'then', {
          get() {
            throw new HttpError(503);
          },
        }) as PromiseLike<string>;
      }
    }
    expect(() => new Service().call()).toThrow(HttpError);
    expect(attempts).toBe(3);
  });
});

// A native promise is a promise whatever its getters do. The general first attempt (a deadline,
// `retryOnResult`) adopts it after the wrapper's `try`, and a guarded pipeline's attempt runner
// (`onSuccess`) inside its own: in each, a getter's error is the attempt's rejection, retried
// without blocking, as on the lean path (and the concurrency limit's ticket, above).
describe('a native promise whose `constructor` getter throws', () => {
  it.each([
    ['a deadline', { deadline: 60_000 }],
    ['retryOnResult', { retryOnResult: (result: unknown) => result === 'again' }],
    ['onSuccess (a guarded pipeline)', { onSuccess: () => {} }],
  ])('with %s, is a failed attempt, retried asynchronously', async (_, options) => {
    let attempts = 0;
    class Service {
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 3, ...options })
      call(): Promise<string> {
        attempts += 1;
        if (attempts > 1) return Promise.resolve('second');
        return Object.defineProperty(Promise.resolve('never seen'), 'constructor', {
          get() {
            throw new HttpError(503);
          },
        });
      }
    }
    const service = new Service();
    const result = service.call();
    expect(attempts).toBe(1);
    await expect(result).resolves.toBe('second');
    expect(attempts).toBe(2);
    expect(stats(service.call)).toMatchObject({ calls: 1, attempts: 2, retries: 1, recovered: 1 });
  });
});

describe('a rate-limit turn as the ticket', () => {
  it('a synchronous call whose turn is not now is refused at once, counted once, with its retryAfter', () => {
    const limiter = new RateLimiter({ limit: 2, interval: 1_000 });
    let runs = 0;
    class Service {
      @RateLimit(limiter)
      compute(): number {
        runs += 1;
        return runs;
      }
    }
    const service = new Service();
    expect(service.compute()).toBe(1);
    expect(service.compute()).toBe(2); // the burst: `limit` at once after a quiet spell
    let refusal: unknown;
    try {
      service.compute();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RateLimitExceededError);
    expect((refusal as RateLimitExceededError).retryAfter).toBe(500);
    expect(runs).toBe(2);
    expect(stats(limiter)).toMatchObject({ granted: 2, rejections: 1 });
  });

  it('an async call whose turn is within maxWait waits for it, its units taken once', async () => {
    const limiter = new RateLimiter({ limit: 2, interval: 1_000 });
    const started: number[] = [];
    class Service {
      @RateLimit(limiter)
      async call(): Promise<void> {
        started.push(Date.now());
      }
    }
    const service = new Service();
    const calls = [service.call(), service.call(), service.call()];
    await jest.advanceTimersByTimeAsync(500);
    await Promise.all(calls);
    expect(started).toEqual([1_000, 1_000, 1_500]);
    expect(stats(limiter)).toMatchObject({ granted: 3, waited: 1, rejections: 0 });
  });

  it("a plain method's first call that rejects may wait for its retry's turn", async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 1_000, maxWait: 2_000 });
    let attempts = 0;
    class Service {
      @Retry({ ...exact, maxAttempts: 2 })
      @RateLimit(limiter)
      call(): Promise<string> {
        attempts += 1;
        return attempts === 1 ? Promise.reject(new HttpError(503)) : Promise.resolve('ok');
      }
    }
    const call = new Service().call();
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(call).resolves.toBe('ok');
    expect(attempts).toBe(2);
    expect(stats(limiter)).toMatchObject({ granted: 2, waited: 1, rejections: 0 });
  });

  it('adaptive: a throttled first attempt is measured from when its turn was granted', async () => {
    const limiter = new RateLimiter({ limit: 100, interval: 1_000, adaptive: true });
    const rejections: Array<() => void> = [];
    class Service {
      @RateLimit(limiter)
      call(): Promise<void> {
        return new Promise((_resolve, reject) => {
          rejections.push(() => reject(new HttpError(429)));
        });
      }
    }
    const service = new Service();
    const early = service.call(); // starts at 1,000
    const earlier = service.call(); // starts at 1,000
    await jest.advanceTimersByTimeAsync(10);
    rejections[0]();
    await expect(early).rejects.toThrow(HttpError);
    expect(stats(limiter).decreases).toBe(1);
    await jest.advanceTimersByTimeAsync(5);
    const late = service.call(); // starts at 1,015, after the decrease at 1,010
    await jest.advanceTimersByTimeAsync(5);
    rejections[1](); // started before the decrease: the rate is not lowered again
    await expect(earlier).rejects.toThrow(HttpError);
    expect(stats(limiter)).toMatchObject({ throttles: 2, decreases: 1 });
    rejections[2](); // started after it: lowered again
    await expect(late).rejects.toThrow(HttpError);
    expect(stats(limiter)).toMatchObject({ throttles: 3, decreases: 2 });
  });
});
