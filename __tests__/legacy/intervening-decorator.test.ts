import 'reflect-metadata';
import { Classified, ErrorCategory, HttpError, Retry, RetryOnRateLimit } from '../../src';

// A legacy method decorator that wraps descriptor.value (as tracing decorators such as
// nestjs-otel's @Span() or logging decorators do), placed between tenacious's decorators.
function Traced(): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
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
});
