import { Retry, RetryOnRateLimit, withRetry, type RetryOptions } from '../../src';
import { instantRateLimit, instantRetry } from '../decorators/failure-script';
import { nonErrorThrownValues } from './hostile-values';

// `retryOn: [ErrorClass]` and `rateLimitErrors: [ErrorClass]` test what was thrown with
// `instanceof`, which itself throws for a revoked Proxy or a Proxy whose getPrototypeOf trap throws.
// The caller must still get back what the method threw, not the TypeError of that check.

class ServiceUnavailable extends Error {}
class QuotaExceeded extends Error {}

/** Wrapped, because an async function returning a thrown thenable would adopt it. */
async function rejectionOf(call: () => Promise<unknown>): Promise<{ readonly thrown: unknown }> {
  try {
    await call();
  } catch (thrown) {
    return { thrown };
  }
  throw new Error('expected the call to reject, but it resolved');
}

const retryOnClasses: RetryOptions = {
  ...instantRetry,
  maxAttempts: 3,
  retryOn: [ServiceUnavailable],
};

it.each(nonErrorThrownValues)(
  'withRetry with retryOn error classes rethrows %s itself after one attempt',
  async (_label, value) => {
    let attempts = 0;
    const { thrown } = await rejectionOf(() =>
      withRetry(async () => {
        attempts += 1;
        throw value;
      }, retryOnClasses),
    );
    expect(thrown).toBe(value);
    expect(attempts).toBe(1);
  },
);

it.each(nonErrorThrownValues)(
  '@Retry with retryOn error classes rethrows %s itself after one attempt',
  async (_label, value) => {
    let attempts = 0;
    class Service {
      @Retry(retryOnClasses)
      async load(): Promise<string> {
        attempts += 1;
        throw value;
      }
    }
    expect((await rejectionOf(() => new Service().load())).thrown).toBe(value);
    expect(attempts).toBe(1);
  },
);

it.each(nonErrorThrownValues)(
  '@RetryOnRateLimit with rateLimitErrors rethrows %s itself after one attempt',
  async (_label, value) => {
    let attempts = 0;
    class Service {
      @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 3, rateLimitErrors: [QuotaExceeded] })
      async load(): Promise<string> {
        attempts += 1;
        throw value;
      }
    }
    expect((await rejectionOf(() => new Service().load())).thrown).toBe(value);
    expect(attempts).toBe(1);
  },
);
