import 'reflect-metadata';
import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  HttpError,
  Retry,
  RetryBudget,
  RetryDefaults,
} from '../../src';

// @CircuitBreaker and the budget under experimentalDecorators (tsconfig.legacy.json), with
// emitDecoratorMetadata, as NestJS and Angular projects compile them.

/** Synchronous retries that never wait. */
const instant = { maxAttempts: 3, delays: [0] } as const;

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

describe('legacy @CircuitBreaker', () => {
  it.each(['above', 'below'])(
    'on a method (%s @Retry): an opening mid-call ends with the last real error, then fails fast',
    (place) => {
      const dependency = outage();
      const breaker = new Breaker({ consecutiveFailures: 2 });
      class Above {
        @CircuitBreaker(breaker)
        @Retry({ ...instant, maxAttempts: 5, budget: false })
        get(): string {
          return dependency.fail();
        }
      }
      class Below {
        @Retry({ ...instant, maxAttempts: 5, budget: false })
        @CircuitBreaker(breaker)
        get(): string {
          return dependency.fail();
        }
      }
      const service = place === 'above' ? new Above() : new Below();
      expect(() => service.get()).toThrow('attempt 2');
      expect(() => service.get()).toThrow(BrokenCircuitError);
      expect(dependency.attempts).toBe(2);
    },
  );

  it('on a class and from @RetryDefaults: one breaker for all the decorated methods', async () => {
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

    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1 } })
    class FromDefaults {
      @Retry({ maxAttempts: 1 })
      async first(): Promise<string> {
        throw new HttpError(503);
      }

      @Retry({ maxAttempts: 1 })
      async second(): Promise<string> {
        return 'second';
      }
    }
    await expect(new FromDefaults().first()).rejects.toThrow(HttpError);
    await expect(new FromDefaults().second()).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it('refuses bad options at definition, and use without parentheses', () => {
    expect(() => CircuitBreaker({ minimumThroughput: 0 })).toThrow(/minimumThroughput/);
    expect(() => {
      @CircuitBreaker(null as never)
      class GivenNull {}
      return GivenNull;
    }).toThrow(new TypeError('@CircuitBreaker: expected an options object, got null'));
    expect(() => {
      // @ts-expect-error -- written without parentheses on a class
      @CircuitBreaker
      class Forgotten {}
      return Forgotten;
    }).toThrow(/parentheses/);
  });
});

describe('legacy budgets', () => {
  it('a budget shared by two classes is one budget; budget: false turns it off', () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });
    const dependency = outage();
    class Orders {
      @Retry({ ...instant, budget })
      get(): string {
        return dependency.fail();
      }
    }
    @RetryDefaults({ budget })
    class Invoices {
      @Retry(instant)
      get(): string {
        return dependency.fail();
      }
    }
    expect(() => new Orders().get()).toThrow('attempt 2');
    expect(() => new Invoices().get()).toThrow('attempt 3');

    @RetryDefaults({ budget: false })
    class Unbudgeted {
      @Retry({ ...instant, maxAttempts: 2 })
      get(): string {
        return dependency.fail();
      }
    }
    const before = dependency.attempts;
    for (let call = 0; call < 150; call++) expect(() => new Unbudgeted().get()).toThrow(HttpError);
    expect(dependency.attempts - before).toBe(300);
  });
});

describe('legacy default budget', () => {
  it('is shared with a subclass that has no decorator of its own, as in standard mode', () => {
    const dependency = outage();
    class Orders {
      @Retry({ ...instant, maxAttempts: 2 })
      get(): string {
        return dependency.fail();
      }
    }
    class PlainOrders extends Orders {}
    // The default budget allows 100 retries a window, and 10% of first attempts: spend it all.
    for (let call = 0; call < 200; call++) expect(() => new Orders().get()).toThrow(HttpError);
    const before = dependency.attempts;
    for (let call = 0; call < 5; call++) expect(() => new PlainOrders().get()).toThrow(HttpError);
    // Five first attempts, and at most the one retry that 10% of first attempts adds.
    expect(dependency.attempts - before).toBeLessThanOrEqual(6);
  });
});
