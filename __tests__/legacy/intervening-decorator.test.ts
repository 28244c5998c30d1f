import 'reflect-metadata';
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

// A legacy method decorator that wraps descriptor.value (as tracing decorators such as
// nestjs-otel's @Span() or logging decorators do), placed between tenacious's decorators.
// `tracedCalls` counts the calls that went through it.
let tracedCalls = 0;
function Traced(): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
      tracedCalls += 1;
      return original.apply(this, args);
    };
    return descriptor;
  };
}

class IndexWarmingError extends Error {}
const warming = (error: unknown) =>
  error instanceof IndexWarmingError ? ErrorCategory.RETRYABLE : undefined;

describe('legacy: tenacious decorators separated by another wrapping decorator', () => {
  it('@Classified below a wrapping decorator is still consulted by @Retry above it', async () => {
    class Search {
      calls = 0;
      @Retry({ maxAttempts: 3, initialDelay: 0 })
      @Traced()
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
      @Traced()
      @Retry({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 })
      async embed(): Promise<never> {
        this.calls++;
        throw new HttpError(429);
      }
    }
    const gateway = new Gateway();
    await expect(gateway.embed()).rejects.toBeInstanceOf(HttpError);
    expect(gateway.calls).toBe(2);
  });

  it('a breaker above a wrapping decorator and @Retry keeps that decorator in every call', async () => {
    // The breaker does not replace @Retry's wrapper with its own (as it does with nothing
    // between them): that would drop the decorator between.
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @Traced()
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

// A legacy decorator that marks descriptor.value without replacing it (as route or handler
// registries do).
function Marked(): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    Object.defineProperty(descriptor.value, 'marked', { value: true });
    return descriptor;
  };
}

describe('legacy: a breaker above a marking decorator and @Retry', () => {
  it('keeps the mark on the method, and the method its counters', async () => {
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @Marked()
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
    const Renamed = (): MethodDecorator => (_target, _key, descriptor: PropertyDescriptor) => {
      Object.defineProperty(descriptor.value, 'name', { value: 'embedAsRouted' });
      return descriptor;
    };
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @Renamed()
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect((Gateway.prototype.embed as () => unknown).name).toBe('embedAsRouted');
  });

  it('keeps a prototype the decorator between gave the method', () => {
    const Routed = Object.create(Function.prototype) as object;
    const ToRoute = (): MethodDecorator => (_target, _key, descriptor: PropertyDescriptor) => {
      Object.setPrototypeOf(descriptor.value, Routed);
      return descriptor;
    };
    class Gateway {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @ToRoute()
      @Retry({ maxAttempts: 1, initialDelay: 0, maxDelay: 0, budget: false })
      async embed(): Promise<string> {
        return 'ok';
      }
    }
    expect(Object.getPrototypeOf(Gateway.prototype.embed)).toBe(Routed);
  });
});
