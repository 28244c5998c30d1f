// DESIGN 1c: each fleet-state class is accepted wherever its local class is: the decorators and
// @RetryDefaults too, not only withRetry.
import {
  BrokenCircuitError,
  CircuitBreaker,
  HttpError,
  RateLimitExceededError,
  Retry,
  RetryDefaults,
  stats,
} from '../../src';
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

const closing: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((made) => made.close()));
});

describe.each(['ioredis', 'node-redis'] as const)('fleet state with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it('a RedisBreaker in @CircuitBreaker and @RetryDefaults: one circuit for the fleet', async () => {
    const key = uniqueKey('decorated-breaker');
    const options = { client: client.client, key, consecutiveFailures: 2, redisTimeout: 1000 };
    const first = new RedisBreaker({ ...options, breakDuration: 60_000 });
    const second = new RedisBreaker({ ...options, breakDuration: 60_000 });
    closing.push(first, second);
    await first.sync();
    await second.sync();
    class Orders {
      @CircuitBreaker(first)
      place(): never {
        throw new HttpError(503);
      }
    }
    @RetryDefaults({ circuitBreaker: second })
    class Invoices {
      @Retry({ maxAttempts: 1 })
      send(): string {
        return 'sent';
      }
    }
    expect(new Invoices().send()).toBe('sent');
    expect(() => new Orders().place()).toThrow(HttpError);
    expect(() => new Orders().place()).toThrow(HttpError);
    // The fleet decides at the exchange: both instances see the circuit open after it.
    await first.sync();
    await second.sync();
    expect(first.state).toBe('open');
    expect(() => new Invoices().send()).toThrow(BrokenCircuitError);
    expect(stats(first)).toMatchObject({ failures: 2 });
  });

  it('a RedisRetryBudget in @Retry and @RetryDefaults: retries paid from one fleet window', async () => {
    const key = uniqueKey('decorated-budget');
    const options = { client: client.client, key, ratio: 0, minPerSecond: 0.1, redisTimeout: 1000 };
    // 0.1 per second over the default window of 10 s: one retry for the whole fleet.
    const first = new RedisRetryBudget(options);
    const second = new RedisRetryBudget(options);
    closing.push(first, second);
    await first.sync();
    await second.sync();
    let attempts = 0;
    class Reports {
      @Retry({ maxAttempts: 2, delays: [0], budget: first })
      build(): never {
        attempts += 1;
        throw new HttpError(503, {}, `failed ${attempts}`);
      }
    }
    @RetryDefaults({ budget: second })
    class Exports {
      @Retry({ maxAttempts: 2, delays: [0] })
      write(): never {
        attempts += 1;
        throw new HttpError(503, {}, `failed ${attempts}`);
      }
    }
    expect(() => new Reports().build()).toThrow('failed 2');
    await first.sync();
    await second.sync();
    // The fleet's one retry is spent: the other instance's call ends with its own real error.
    expect(() => new Exports().write()).toThrow('failed 3');
    expect(attempts).toBe(3);
  });

  it('a RedisRateLimiter in @RetryDefaults: every decorated method takes its turns', async () => {
    const shared = new RedisRateLimiter({
      client: client.client,
      key: uniqueKey('decorated-limiter'),
      limit: 1,
      interval: 60_000,
      maxWait: 0,
      redisTimeout: 1000,
    });
    closing.push(shared);
    await shared.sync();
    @RetryDefaults({ rateLimiter: shared })
    class Search {
      @Retry({ maxAttempts: 1 })
      async query(): Promise<string> {
        return 'found';
      }
    }
    await expect(new Search().query()).resolves.toBe('found');
    await expect(new Search().query()).rejects.toBeInstanceOf(RateLimitExceededError);
  });
});
