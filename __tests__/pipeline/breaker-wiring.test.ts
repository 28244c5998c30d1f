import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  HttpError,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  retryable,
  withRetry,
} from '../../src';
import { callAsynchronouslyWithRetry } from '../../src/core/call-with-retry';
import { compilePipeline, type PipelinePolicy } from '../../src/core/pipeline';
import { createRetryPolicy } from '../../src/policy/retry-policy';
import { circuitBreakerPolicy } from '../../src/policies/circuit-breaker/pipeline-policy';
import { statisticsKey } from '../../src/telemetry/statistics';

// The breaker inside the pipeline: every attempt passes it, an opening mid-call ends the call with
// its last real error, a refused first attempt fails fast with BrokenCircuitError.

const exact = { initialDelay: 100, maxDelay: 100, jitter: 'none', budget: false } as const;

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** A dependency that is down: every attempt throws a numbered 503. */
function outage() {
  let attempts = 0;
  return {
    get attempts() {
      return attempts;
    },
    fail(): never {
      attempts += 1;
      throw new HttpError(503, {}, `attempt ${attempts}`);
    },
  };
}

describe('a breaker that opens in the middle of a retried call', () => {
  it.each([
    ['@Retry above @CircuitBreaker', 'retry-first'],
    ['@CircuitBreaker above @Retry', 'breaker-first'],
  ])('%s: stops the retries and rethrows the last real error', async (_name, order) => {
    const dependency = outage();
    const breaker = new Breaker({ consecutiveFailures: 2, breakDuration: 10_000 });
    const onGiveUp = jest.fn();
    const options = { ...exact, maxAttempts: 5, onGiveUp };
    class RetryFirst {
      @Retry(options)
      @CircuitBreaker(breaker)
      async call(): Promise<string> {
        return dependency.fail();
      }
    }
    class BreakerFirst {
      @CircuitBreaker(breaker)
      @Retry(options)
      async call(): Promise<string> {
        return dependency.fail();
      }
    }
    const service = order === 'retry-first' ? new RetryFirst() : new BreakerFirst();

    const call = service.call();
    const settled = expect(call).rejects.toThrow('attempt 2');
    await jest.advanceTimersByTimeAsync(1_000);
    await settled;
    expect(dependency.attempts).toBe(2);
    expect(breaker.state).toBe('open');
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(onGiveUp.mock.calls[0][1]).toBe(2);

    // The next call never reaches the dependency: it fails fast with the breaker's error.
    const refused = await service.call().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokenCircuitError);
    expect((refused as BrokenCircuitError).code).toBe('TENACIOUS_CIRCUIT_OPEN');
    expect(dependency.attempts).toBe(2);
  });

  it('waits for the break when it ends within the delay the loop was to wait anyway', async () => {
    let attempts = 0;
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 50 });
    class Service {
      @Retry({ ...exact, maxAttempts: 3 })
      @CircuitBreaker(breaker)
      async call(): Promise<string> {
        attempts += 1;
        if (attempts === 1) throw new HttpError(503);
        return 'recovered';
      }
    }
    const call = new Service().call();
    await jest.advanceTimersByTimeAsync(100);
    await expect(call).resolves.toBe('recovered');
    expect(attempts).toBe(2);
    expect(breaker.state).toBe('closed'); // the probe succeeded
  });

  it('ends with the last real error when a retry finds the circuit opened by another call', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 10_000 });
    let attempts = 0;
    class Service {
      @Retry({ ...exact, maxAttempts: 3 })
      @CircuitBreaker(breaker)
      async call(): Promise<string> {
        attempts += 1;
        throw new HttpError(429, {}, `throttled ${attempts}`); // a rate limit never opens it
      }
    }
    const service = new Service();
    const call = service.call();
    const settled = expect(call).rejects.toThrow('throttled 1');
    // Another caller opens the circuit while the first one sleeps before its retry.
    const other = retryable(
      async () => {
        throw new HttpError(503);
      },
      { circuitBreaker: breaker, maxAttempts: 1 },
    );
    await expect(other()).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
    await jest.advanceTimersByTimeAsync(100);
    await settled;
    expect(attempts).toBe(1);
  });
});

describe('what opens the breaker', () => {
  it.each([
    ['a 404', 404],
    ['an auth failure (401)', 401],
    ['an auth failure (403)', 403],
    ['a rate limit (429)', 429],
  ])('%s does not open it', async (_name, status) => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    const call = retryable(
      async () => {
        throw new HttpError(status);
      },
      { circuitBreaker: breaker, maxAttempts: 1 },
    );
    for (let index = 0; index < 5; index++) await expect(call()).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('closed');
  });

  it('a 503 does, as does a network failure', async () => {
    for (const error of [
      new HttpError(503),
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    ]) {
      const breaker = new Breaker({ consecutiveFailures: 1 });
      await expect(
        withRetry(
          () => {
            throw error;
          },
          { circuitBreaker: breaker, maxAttempts: 1 },
        ),
      ).rejects.toBe(error);
      expect(breaker.state).toBe('open');
    }
  });
});

describe('method kinds and forms', () => {
  it('a synchronous method stays synchronous: the last real error, then BrokenCircuitError', () => {
    const dependency = outage();
    const breaker = new Breaker({ consecutiveFailures: 2 });
    class Service {
      @CircuitBreaker(breaker)
      @Retry({ maxAttempts: 5, delays: [0], budget: false })
      call(): string {
        return dependency.fail();
      }
    }
    const service = new Service();
    expect(() => service.call()).toThrow('attempt 2');
    expect(() => service.call()).toThrow(BrokenCircuitError);
    expect(dependency.attempts).toBe(2);
  });

  it('a sync method whose first attempt is refused throws, an async one rejects', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    breaker.isolate();
    class Service {
      @CircuitBreaker(breaker)
      sync(): number {
        return 1;
      }

      @CircuitBreaker(breaker)
      async asynchronous(): Promise<number> {
        return 1;
      }
    }
    const service = new Service();
    expect(() => service.sync()).toThrow(/isolated/i);
    const rejected = service.asynchronous();
    expect(rejected).toBeInstanceOf(Promise);
    await expect(rejected).rejects.toThrow(/isolated/i);
  });

  it('a stream failing before its first value counts; one that yielded counts as a success', async () => {
    const breaker = new Breaker({ consecutiveFailures: 2 });
    let starts = 0;
    class Feed {
      @CircuitBreaker(breaker)
      async *events(failFirst: boolean): AsyncGenerator<number> {
        starts += 1;
        if (failFirst) throw new HttpError(503);
        yield 1;
        throw new HttpError(503, {}, 'after the first value');
      }
    }
    const feed = new Feed();
    const consume = async (failFirst: boolean) => {
      const seen: number[] = [];
      for await (const value of feed.events(failFirst)) seen.push(value);
      return seen;
    };
    await expect(consume(true)).rejects.toThrow(HttpError);
    expect(breaker.toJSON().consecutiveFailures).toBe(1);
    // Fails after its first value: not counted, and the row of failures ends.
    await expect(consume(false)).rejects.toThrow('after the first value');
    await expect(consume(true)).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('closed');
    await expect(consume(true)).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
    await expect(consume(false)).rejects.toThrow(BrokenCircuitError);
    expect(starts).toBe(4);
  });

  it('withRetry takes a shared Breaker; retryable makes one from options', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    const failing = () => Promise.reject(new HttpError(502));
    await expect(withRetry(failing, { circuitBreaker: breaker, maxAttempts: 1 })).rejects.toThrow(
      HttpError,
    );
    await expect(
      withRetry(failing, { circuitBreaker: breaker, maxAttempts: 1 }),
    ).rejects.toBeInstanceOf(BrokenCircuitError);

    let calls = 0;
    const guarded = retryable(
      async () => {
        calls += 1;
        throw new HttpError(500);
      },
      { circuitBreaker: { consecutiveFailures: 1 }, maxAttempts: 1 },
    );
    await expect(guarded()).rejects.toThrow(HttpError);
    await expect(guarded()).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(calls).toBe(1);
  });
});

describe('sharing', () => {
  it('@RetryDefaults({ circuitBreaker }) gives all the class’s decorated methods one breaker', async () => {
    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 }, budget: false })
    class Service {
      @Retry({ maxAttempts: 1 })
      async first(): Promise<string> {
        throw new HttpError(503);
      }

      @RetryOnRateLimit({ maxAttempts: 1 })
      async second(): Promise<string> {
        return 'second';
      }
    }
    const service = new Service();
    await expect(service.first()).rejects.toThrow(HttpError);
    await expect(service.second()).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('@CircuitBreaker on a class serves all its decorated methods; on a method, all instances', async () => {
    @CircuitBreaker({ consecutiveFailures: 1 })
    class ClassWide {
      @Retry({ maxAttempts: 1 })
      async first(): Promise<string> {
        throw new HttpError(503);
      }

      @Retry({ maxAttempts: 1 })
      async second(): Promise<string> {
        return 'second';
      }
    }
    await expect(new ClassWide().first()).rejects.toThrow(HttpError);
    await expect(new ClassWide().second()).rejects.toBeInstanceOf(BrokenCircuitError);

    class PerMethod {
      @CircuitBreaker({ consecutiveFailures: 1 })
      async first(): Promise<string> {
        throw new HttpError(503);
      }

      @CircuitBreaker({ consecutiveFailures: 1 })
      async second(): Promise<string> {
        return 'second';
      }
    }
    await expect(new PerMethod().first()).rejects.toThrow(HttpError);
    await expect(new PerMethod().first()).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(new PerMethod().second()).resolves.toBe('second');
  });

  it('a decorator made once from options and put in two places makes a breaker for each', async () => {
    const guarded = CircuitBreaker({ consecutiveFailures: 1 });
    class PerMethod {
      @guarded
      async first(): Promise<string> {
        throw new HttpError(503);
      }

      @guarded
      async second(): Promise<string> {
        return 'second';
      }
    }
    await expect(new PerMethod().first()).rejects.toThrow(HttpError);
    await expect(new PerMethod().first()).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(new PerMethod().second()).resolves.toBe('second');

    const defaults = RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 }, budget: false });
    @defaults
    class Failing {
      @Retry({ maxAttempts: 1 })
      async call(): Promise<string> {
        throw new HttpError(503);
      }
    }
    @defaults
    class Working {
      @Retry({ maxAttempts: 1 })
      async call(): Promise<string> {
        return 'working';
      }
    }
    await expect(new Failing().call()).rejects.toThrow(HttpError);
    await expect(new Failing().call()).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(new Working().call()).resolves.toBe('working');
  });

  it('one circuit per key from key(this, args)', async () => {
    class Hosts {
      @CircuitBreaker({ consecutiveFailures: 1, key: (_self, [host]) => String(host) })
      async get(host: string): Promise<string> {
        if (host === 'down') throw new HttpError(503);
        return host;
      }
    }
    const hosts = new Hosts();
    await expect(hosts.get('down')).rejects.toThrow(HttpError);
    await expect(hosts.get('down')).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(hosts.get('up')).resolves.toBe('up');
  });
});

describe('invalid breaker options are refused at definition, naming the option', () => {
  it.each([
    ['@CircuitBreaker', () => CircuitBreaker({ failureRatio: 2 }), /failureRatio/],
    ['@CircuitBreaker unknown', () => CircuitBreaker({ bogus: 1 } as never), /bogus/],
    [
      '@RetryDefaults',
      () => RetryDefaults({ circuitBreaker: { halfOpenProbes: 0 } }),
      /circuitBreaker.*halfOpenProbes|halfOpenProbes/,
    ],
    [
      '@RetryDefaults not an object',
      () => RetryDefaults({ circuitBreaker: 5 as never }),
      /circuitBreaker/,
    ],
    [
      'retryable',
      () => retryable(() => 1, { circuitBreaker: { breakDuration: -1 } }),
      /breakDuration/,
    ],
  ])('%s', (_name, define, message) => {
    expect(define).toThrow(message);
  });

  it('@CircuitBreaker(null) is refused as new Breaker(null) and @Retry(null) are', () => {
    expect(() => CircuitBreaker(null as never)).toThrow(
      new TypeError('@CircuitBreaker: expected an options object, got null'),
    );
  });
});

describe('an attempt an inner policy refuses', () => {
  it('gives the half-open trial call’s place back to the breaker', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    let refuseNext = false;
    const innerLimiter: PipelinePolicy = {
      kind: 'rate-limiter',
      admitAttempt: () => !refuseNext,
      refusal: () => new Error('over the rate'),
    };
    const pipeline = compilePipeline(createRetryPolicy({ retry: [{ maxAttempts: 1 }] }), [
      innerLimiter,
      circuitBreakerPolicy(breaker),
    ]);
    const call = (fn: () => Promise<string>) =>
      callAsynchronouslyWithRetry(pipeline, fn, undefined, []);
    await expect(call(() => Promise.reject(new HttpError(503)))).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(1_000);
    refuseNext = true; // the breaker admits the one trial call, the limiter inside refuses it
    await expect(call(async () => 'never runs')).rejects.toThrow('over the rate');
    refuseNext = false;
    await expect(call(async () => 'back')).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
  });
});

describe('a classifier that throws while the breaker judges an attempt', () => {
  it('ends the call with the classifier’s error, the real failure as its cause, and gives the trial call’s place back', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const failure = new HttpError(503);
    await expect(
      withRetry(() => Promise.reject(failure), { circuitBreaker: breaker, maxAttempts: 1 }),
    ).rejects.toBe(failure);
    jest.advanceTimersByTime(1_000);
    const classifierBug = new Error('classifier bug');
    const thrown: unknown = await withRetry(() => Promise.reject(failure), {
      circuitBreaker: breaker,
      maxAttempts: 1,
      classifier: () => {
        throw classifierBug;
      },
    }).catch((error: unknown) => error);
    expect(thrown).toBe(classifierBug);
    expect(classifierBug.cause).toBe(failure);
    // The trial call reported nothing the breaker could judge: the next caller may try.
    await expect(withRetry(async () => 'back', { circuitBreaker: breaker })).resolves.toBe('back');
    expect(breaker.state).toBe('closed');
  });
});

describe('a key function that throws', () => {
  it('ends the call as the method would: an async one rejects, a sync one throws', async () => {
    const keyBug = new Error('key bug');
    const circuitBreaker = {
      key: (): string => {
        throw keyBug;
      },
    };
    const asynchronous = retryable(async (value: number) => value, { circuitBreaker });
    let answer: Promise<number> | undefined;
    expect(() => (answer = asynchronous(1))).not.toThrow();
    await expect(answer).rejects.toBe(keyBug);
    const synchronous = retryable((value: number) => value, { circuitBreaker });
    expect(() => synchronous(1)).toThrow(keyBug);
  });
});

describe('a method that answers with a promise only sometimes (a cache in front of a fetch)', () => {
  it('returns a cached value as it is, and a refusal is thrown once it has answered with promises', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    class Prices {
      cached: number | undefined;

      @CircuitBreaker(breaker)
      price(): number | Promise<number> {
        if (this.cached !== undefined) return this.cached;
        return Promise.reject(new HttpError(503));
      }
    }
    const prices = new Prices();
    await expect(prices.price()).rejects.toThrow(HttpError);
    // The breaker is open now; the method has answered with a promise before, so is refused with one.
    const refused = prices.price();
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toBeInstanceOf(BrokenCircuitError);
    breaker.isolate()(); // released: closed again, counts cleared
    prices.cached = 7;
    expect(prices.price()).toBe(7); // a plain value stays a plain value
  });

  it('withRetry never blocks: a synchronous function that throws is retried asynchronously', async () => {
    let attempts = 0;
    const call = withRetry(
      () => {
        attempts += 1;
        if (attempts < 3) throw new HttpError(503);
        return 'third';
      },
      { circuitBreaker: new Breaker(), initialDelay: 10, jitter: 'none' },
    );
    expect(attempts).toBe(1); // returned before the first retry
    await jest.advanceTimersByTimeAsync(30);
    await expect(call).resolves.toBe('third');
  });
});

describe("a breaker's first attempt on the fast path (firstAttemptGuard)", () => {
  it('is the guard only without key, slow calls, other per-call hooks or retryOnResult', () => {
    const guardOf = (breaker: Breaker, options = {}, others: PipelinePolicy[] = []) =>
      compilePipeline(createRetryPolicy({ retry: [{ maxAttempts: 2, ...options }] }), [
        circuitBreakerPolicy(breaker),
        ...others,
      ]).firstAttemptGuard;
    expect(guardOf(new Breaker())?.kind).toBe('circuit-breaker');
    expect(guardOf(new Breaker({ key: () => 'a' }))).toBeUndefined();
    expect(guardOf(new Breaker({ slowCallDuration: 100, slowCallRatio: 0.5 }))).toBeUndefined();
    expect(guardOf(new Breaker(), { retryOnResult: () => false })).toBeUndefined();
    expect(
      guardOf(new Breaker(), {}, [{ kind: 'timeout', wrapAttempt: (_call, run) => run() }]),
    ).toBeUndefined();
  });

  it('reports each success with the ticket it entered with: no record, and a sync call stays sync', () => {
    const breaker = new Breaker({ consecutiveFailures: 2 });
    class Service {
      @Retry({ ...exact, maxAttempts: 2 })
      @CircuitBreaker(breaker)
      twice(value: number): number {
        return value * 2;
      }
    }
    const service = new Service();
    expect(service.twice(21)).toBe(42);
    expect(service.twice(1)).toBe(2);
    expect(breaker.toJSON()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a rejection reports the ticket of its own attempt: one that entered while closed cannot reopen a half-open circuit', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    const pending: Array<(error: Error) => void> = [];
    class Service {
      @Retry({ ...exact, maxAttempts: 1 })
      @CircuitBreaker(breaker)
      call(): Promise<string> {
        return new Promise((_resolve, reject) => pending.push(reject));
      }
    }
    const service = new Service();
    const early = service.call(); // entered while closed
    const second = service.call();
    pending[1](new HttpError(503)); // opens the circuit
    await expect(second).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(1_000);
    const probe = service.call(); // the trial call: half-open
    expect(breaker.state).toBe('half-open');
    pending[0](new HttpError(503)); // the early attempt fails: its ticket is from the closed state
    await expect(early).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('half-open');
    pending[2](new HttpError(503));
    await expect(probe).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
  });

  it('a refused first attempt fails fast with the refusal, counted once', () => {
    const breaker = new Breaker({ consecutiveFailures: 1 });
    class Service {
      @Retry({ ...exact, maxAttempts: 3 })
      @CircuitBreaker(breaker)
      call(): string {
        throw new HttpError(503);
      }
    }
    const service = new Service();
    expect(() => service.call()).toThrow(HttpError);
    expect(() => service.call()).toThrow(BrokenCircuitError);
    expect(breaker[statisticsKey]().rejections).toBe(1);
  });
});

describe('a value that retryOnResult retries', () => {
  it('counts as a failure for the breaker, and the predicate is asked once per attempt', async () => {
    const breaker = new Breaker({ consecutiveFailures: 2, breakDuration: 10_000 });
    const retryOnResult = jest.fn((result: { status: number }) => result.status === 503);
    class Service {
      @CircuitBreaker(breaker)
      @Retry({ ...exact, maxAttempts: 2, retryOnResult })
      async call(): Promise<{ status: number }> {
        return { status: 503 };
      }
    }
    const call = new Service().call();
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(call).resolves.toEqual({ status: 503 }); // the last retried value is the answer
    expect(retryOnResult).toHaveBeenCalledTimes(2);
    expect(breaker.state).toBe('open');
  });

  it('a value it does not retry is a success, on sync methods too', () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 10_000 });
    const retryOnResult = jest.fn((result: number) => result < 0);
    class Service {
      @CircuitBreaker(breaker)
      @Retry({ ...exact, maxAttempts: 2, retryOnResult })
      call(): number {
        return 1;
      }
    }
    expect(new Service().call()).toBe(1);
    expect(retryOnResult).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
  });
});

describe('a caller that aborts with a reason of its own', () => {
  it('is neither a success nor a failure: the half-open trial call’s place is given back', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 1_000 });
    class Service {
      @CircuitBreaker(breaker)
      @Retry({ ...exact, maxAttempts: 1 })
      async call(signal: AbortSignal, fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        // As fetch does, the attempt rejects with the signal's reason.
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
      }
    }
    const service = new Service();
    await expect(service.call(new AbortController().signal, true)).rejects.toThrow(HttpError);
    jest.advanceTimersByTime(1_000);
    const controller = new AbortController();
    const probe = service.call(controller.signal, false);
    expect(breaker.state).toBe('half-open');
    const reason = new Error('the user closed the page');
    controller.abort(reason);
    await expect(probe).rejects.toBe(reason);
    // Nothing was learnt about the dependency: still half-open, and the next caller is the trial.
    expect(breaker.state).toBe('half-open');
    const next = service.call(new AbortController().signal, true);
    await expect(next).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
  });
});

describe('a method inherited by subclasses', () => {
  it('has one breaker, whichever class a call comes through', async () => {
    class Base {
      @Retry({ ...exact, maxAttempts: 1 })
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      async call(): Promise<never> {
        throw new HttpError(503);
      }
    }
    class First extends Base {}
    class Second extends Base {}
    await expect(new First().call()).rejects.toBeInstanceOf(HttpError);
    await expect(new Second().call()).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(new Base().call()).rejects.toBeInstanceOf(BrokenCircuitError);
  });
});
