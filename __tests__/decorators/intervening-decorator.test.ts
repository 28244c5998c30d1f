import 'reflect-metadata'; // for the decorator that keeps its data with it, below
import {
  BrokenCircuitError,
  CircuitBreaker,
  Classified,
  ErrorCategory,
  HttpError,
  Retry,
  RetryOnRateLimit,
  stats,
} from '../../src';

// A third-party method decorator that wraps the method (tracing, logging, metrics), placed between
// tenacious's decorators on the same method. `tracedCalls` counts the calls that went through it.
let tracedCalls = 0;
function traced<This, Args extends unknown[], Result>(
  method: (this: This, ...args: Args) => Result,
  _context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Result>,
) {
  return function (this: This, ...args: Args): Result {
    tracedCalls += 1;
    return method.apply(this, args);
  };
}

class IndexWarmingError extends Error {}
const warming = (error: unknown) =>
  error instanceof IndexWarmingError ? ErrorCategory.RETRYABLE : undefined;

describe('tenacious decorators separated by another wrapping decorator', () => {
  it('@Classified below a wrapping decorator is still consulted by @Retry above it', async () => {
    class Search {
      calls = 0;
      @Retry({ maxAttempts: 3, initialDelay: 0 })
      @traced
      @Classified(warming)
      async query(): Promise<string> {
        this.calls++;
        if (this.calls < 3) throw new IndexWarmingError('warming');
        return 'ok';
      }
    }
    const search = new Search();
    await expect(search.query()).resolves.toBe('ok');
    expect(search.calls).toBe(3);
  });

  it('@RetryOnRateLimit and @Retry still share ONE loop: attempts never multiply', async () => {
    class Gateway {
      calls = 0;
      @RetryOnRateLimit({ maxAttempts: 2, initialDelay: 0, maxDelay: 0 })
      @traced
      @Retry({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 })
      async embed(): Promise<never> {
        this.calls++;
        throw new HttpError(429);
      }
    }
    const gateway = new Gateway();
    await expect(gateway.embed()).rejects.toBeInstanceOf(HttpError);
    // One loop: the rate-limit lane's cap (2) is final for a 429.
    expect(gateway.calls).toBe(2);
  });

  it('stats() reads the method when a tenacious decorator is on top', async () => {
    class Gateway {
      @RetryOnRateLimit({ maxAttempts: 2, initialDelay: 0, maxDelay: 0 })
      @traced
      @Retry({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 })
      async embed(): Promise<never> {
        throw new HttpError(429);
      }
    }
    const gateway = new Gateway();
    await expect(gateway.embed()).rejects.toBeInstanceOf(HttpError);
    expect(stats(gateway.embed)).toMatchObject({ calls: 1, attempts: 2, retries: 1, giveUps: 1 });
  });

  it('a breaker above a wrapping decorator and @Retry keeps that decorator in every call', async () => {
    // The breaker does not replace @Retry's wrapper with its own (as it does with nothing
    // between them): that would drop the decorator between.
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @traced
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'ok';
      }
    }
    tracedCalls = 0;
    const gateway = new Gateway();
    await expect(gateway.embed(false)).resolves.toBe('ok');
    await expect(gateway.embed(true)).rejects.toBeInstanceOf(HttpError);
    await expect(gateway.embed(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(tracedCalls).toBe(3);
    expect(stats(gateway.embed)).toMatchObject({ calls: 3, attempts: 2 });
  });
});

// A decorator that marks the method without wrapping it (as route or handler registries do).
function marked<Method extends Function>(
  method: Method,
  _context: ClassMethodDecoratorContext,
): void {
  Object.defineProperty(method, 'marked', { value: true });
}

describe('a breaker above a marking decorator and @Retry', () => {
  it('keeps the mark on the method, and the method its counters', async () => {
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @marked
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    const gateway = new Gateway();
    expect(Object.getOwnPropertyDescriptor(Gateway.prototype.embed, 'marked')?.value).toBe(true);
    await expect(gateway.embed()).resolves.toBe('ok');
    expect(stats(gateway.embed)).toMatchObject({ calls: 1, attempts: 1 });
  });

  it('keeps a property the decorator between redefined (its name)', () => {
    function renamed<Method extends Function>(method: Method, _context: unknown): void {
      Object.defineProperty(method, 'name', { value: 'embedAsRouted' });
    }
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @renamed
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Gateway.prototype.embed.name).toBe('embedAsRouted');
  });

  it('keeps a prototype the decorator between gave the method', () => {
    const Routed = Object.create(Function.prototype) as object;
    function routed<Method extends Function>(method: Method, _context: unknown): void {
      Object.setPrototypeOf(method, Routed);
    }
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @routed
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Object.getPrototypeOf(Gateway.prototype.embed)).toBe(Routed);
  });
});

// A decorator that keeps its data on the method with reflect-metadata, as some do in either mode.
function role(method: Function, _context: ClassMethodDecoratorContext): void {
  Reflect.defineMetadata('role', 'admin', method);
}

describe('a breaker above a decorator keeping reflect-metadata and @Retry', () => {
  it('keeps that metadata on the method', () => {
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @role
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Reflect.getOwnMetadata('role', Gateway.prototype.embed)).toBe('admin');
  });

  it('on the class: the wrapper put in place of the lean one carries it', () => {
    @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
    class Gateway {
      @role
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Reflect.getOwnMetadata('role', Gateway.prototype.embed)).toBe('admin');
  });

  it('below @Retry: the wrapper carries it, as in legacy mode', () => {
    class Gateway {
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      @role
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Reflect.getOwnMetadata('role', Gateway.prototype.embed)).toBe('admin');
  });
});
