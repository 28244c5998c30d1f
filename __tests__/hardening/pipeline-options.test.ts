import {
  CircuitBreaker,
  ErrorCategory,
  Retry,
  RetryDefaults,
  RetryContext,
  retryable,
  withRetry,
} from '../../src';

// The pipeline's options under the hardening rules (issue 11): withRetry's pipeline, kept per
// options object, is compiled from exactly the values read for the call (one read per own key); a
// `delays` function must answer synchronously; a class decorated only with @CircuitBreaker is
// checked at definition like one with @RetryDefaults or @Classified.

const transient = (): Error => Object.assign(new Error('unavailable'), { status: 503 });

async function attemptsOfWithRetry(options: object): Promise<number> {
  let attempts = 0;
  await withRetry(() => {
    attempts += 1;
    throw transient();
  }, options).catch(() => undefined);
  return attempts;
}

describe('withRetry with the same options object, call after call', () => {
  it('reads each own option once per call, on a cache hit too', async () => {
    const reads = new Map<string, number>();
    const options = {};
    for (const [key, value] of Object.entries({ maxAttempts: 2, initialDelay: 0, maxDelay: 0 })) {
      Object.defineProperty(options, key, {
        enumerable: true,
        get() {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          return value;
        },
      });
    }
    for (let call = 1; call <= 3; call++) {
      expect(await attemptsOfWithRetry(options)).toBe(2);
      expect([...reads]).toEqual([
        ['maxAttempts', call],
        ['initialDelay', call],
        ['maxDelay', call],
      ]);
    }
  });

  it('uses the values read for the call, never ones read for another', async () => {
    let reads = 0;
    const options = {
      initialDelay: 0,
      maxDelay: 0,
      get maxAttempts(): number {
        reads += 1;
        return reads === 1 ? 2 : 5;
      },
    };
    expect(await attemptsOfWithRetry(options)).toBe(2);
    expect(await attemptsOfWithRetry(options)).toBe(5);
    expect(await attemptsOfWithRetry(options)).toBe(5);
  });

  it('sees a changed rateLimit option, and refuses options that are not a plain object', async () => {
    const rateLimit = { maxAttempts: 2, initialDelay: 0, maxDelay: 0 };
    const options = Object.assign(Object.create({ maxAttempts: 1 }) as object, {
      initialDelay: 0,
      maxDelay: 0,
      rateLimit,
    });
    // Not a plain object (its prototype is not Object.prototype): refused, as any such options.
    expect(() => withRetry(() => 1, options)).toThrow(/expected an options object/);
    const plain = { initialDelay: 0, maxDelay: 0, rateLimit };
    const throttled = (): Error => Object.assign(new Error('slow down'), { status: 429 });
    const attemptsOf = async (): Promise<number> => {
      let attempts = 0;
      await withRetry(() => {
        attempts += 1;
        throw throttled();
      }, plain).catch(() => undefined);
      return attempts;
    };
    expect(await attemptsOf()).toBe(2);
    rateLimit.maxAttempts = 4;
    expect(await attemptsOf()).toBe(4);
  });

  it('sees an option array changed in place, and checks it again', async () => {
    const options = {
      initialDelay: 0,
      maxDelay: 0,
      retryCategories: [ErrorCategory.TIMEOUT],
      delays: [0],
    };
    expect(await attemptsOfWithRetry(options)).toBe(1); // a 503 is RETRYABLE, not TIMEOUT
    options.retryCategories.push(ErrorCategory.RETRYABLE);
    expect(await attemptsOfWithRetry(options)).toBe(3);
    options.delays[0] = -1;
    expect(() => withRetry(() => 1, options)).toThrow(
      'withRetry: option "delays" must be a list of a number of milliseconds from 0 to 2147483647, got [-1]',
    );
  });
});

describe('a delays function answers synchronously', () => {
  const schedule = async (): Promise<number> => 10;
  it.each([
    ['@Retry', () => Retry({ delays: schedule as never })],
    ['@RetryDefaults', () => RetryDefaults({ delays: schedule as never })],
    ['retryable', () => retryable(() => 1, { delays: schedule as never })],
    ['RetryContext', () => new RetryContext({ delays: schedule as never })],
  ])('%s refuses an async one where it is given, naming the option', (_name, give) => {
    expect(give).toThrow(TypeError);
    expect(give).toThrow(/option "delays" must be a function that answers synchronously/);
  });
});

describe('@CircuitBreaker on a class checks its methods under the merged layers', () => {
  it('refuses, when the subclass is defined, a method maxDelay below an inherited initialDelay', () => {
    @RetryDefaults({ initialDelay: 5000 })
    class Base {}
    expect(() => {
      @CircuitBreaker()
      class Sub extends Base {
        @Retry({ maxDelay: 1000 })
        async bar(): Promise<void> {}
      }
      return Sub;
    }).toThrow(
      new RangeError(
        '@RetryDefaults({ initialDelay: 5000 }) on Base and @Retry({ maxDelay: 1000 }) on Sub.bar: maxDelay (1000) must be >= initialDelay (5000)',
      ),
    );
  });

  it('merges breaker settings field by field: a merge the breaker refuses fails at definition', () => {
    expect(() => {
      @RetryDefaults({ circuitBreaker: { failureRatio: 0.5 }, budget: false })
      class Service {
        @CircuitBreaker({ consecutiveFailures: 1 })
        @Retry({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 })
        async call(): Promise<void> {}
      }
      return Service;
    }).toThrow(
      '@RetryDefaults({ circuitBreaker: {"failureRatio":0.5} }) on Service and @CircuitBreaker({"consecutiveFailures":1}) on Service.call: options "failureRatio" (0.5) and "consecutiveFailures" (1) are two rules for opening; give one',
    );
  });
});
