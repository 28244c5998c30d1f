import 'reflect-metadata';
import {
  HttpError,
  RateLimit,
  RateLimiter,
  RateLimitExceededError,
  Retry,
  RetryDefaults,
} from '../../src';

// @RateLimit under experimentalDecorators (tsconfig.legacy.json), with emitDecoratorMetadata, as
// NestJS and Angular projects compile them.

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('legacy @RateLimit', () => {
  it.each(['above', 'below'])(
    'on a method (%s @Retry): every attempt waits for its turn',
    async (place) => {
      const attempts: number[] = [];
      const fail = (): never => {
        attempts.push(Date.now());
        throw new HttpError(503);
      };
      const limiter = new RateLimiter({ limit: 1, interval: 1000, maxWait: 5000 });
      const retry = { maxAttempts: 3, delays: [0], budget: false } as const;
      class Above {
        @RateLimit(limiter)
        @Retry(retry)
        async get(): Promise<string> {
          return fail();
        }
      }
      class Below {
        @Retry(retry)
        @RateLimit(limiter)
        async get(): Promise<string> {
          return fail();
        }
      }
      const service = place === 'above' ? new Above() : new Below();
      const call = service.get();
      const settled = expect(call).rejects.toBeInstanceOf(HttpError);
      await jest.advanceTimersByTimeAsync(2000);
      await settled;
      expect(attempts).toEqual([0, 1000, 2000]);
    },
  );

  it('on a class and from @RetryDefaults; a sync method fails fast when its turn is not now', () => {
    @RateLimit({ limit: 1, interval: 1000 })
    class OnClass {
      @Retry()
      compute(): number {
        return 1;
      }
    }
    @RetryDefaults({ rateLimiter: { limit: 1, interval: 1000 } })
    class FromDefaults {
      @Retry()
      compute(): number {
        return 2;
      }
    }
    for (const service of [new OnClass(), new FromDefaults()]) {
      expect(service.compute()).toBeGreaterThan(0);
      expect(() => service.compute()).toThrow(RateLimitExceededError);
    }
  });

  it('refuses invalid options when the class is defined, naming the option', () => {
    expect(() => {
      class Service {
        @RateLimit({ limit: 1, interval: 1000, maxWait: -1 })
        async get(): Promise<void> {}
      }
      return Service;
    }).toThrow(/@RateLimit: option "maxWait" .* got -1/);
    expect(() => {
      @RetryDefaults({ rateLimiter: { limit: 1, interval: 'soon' as never } })
      class Service {}
      return Service;
    }).toThrow(/option "rateLimiter": option "interval" .* got "soon"/);
  });
});
