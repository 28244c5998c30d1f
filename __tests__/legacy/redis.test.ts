import 'reflect-metadata';
import {
  BrokenCircuitError,
  CircuitBreaker,
  RateLimit,
  RateLimitExceededError,
  Retry,
  RetryDefaults,
  stats,
} from '../../src';
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from '../redis/shared-redis';

// tenacious/redis through legacy decorators (experimentalDecorators, as NestJS and Angular
// projects compile them), against the run's redis-server (__tests__/setup/redis-global-setup.ts)
// with real clients of both kinds: what one instance does through a decorated method, a second
// instance on the same key sees through Redis.

// A generous redisTimeout: on a loaded machine an exchange must not time out where a test asserts
// the fleet's view.
const redisTimeout = 1000;

const closing: { close(): Promise<void> }[] = [];
function closedAfterTest<Policy extends { close(): Promise<void> }>(policy: Policy): Policy {
  closing.push(policy);
  return policy;
}

afterEach(async () => {
  await Promise.all(closing.splice(0).map((policy) => policy.close()));
});

const networkFailure = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe.each(['ioredis', 'node-redis'] as const)('legacy decorators with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it("@CircuitBreaker(redisBreaker): the fleet's circuit opens, and refuses a second instance's class", async () => {
    const key = uniqueKey('legacy-breaker');
    const options = {
      client: client.client,
      key,
      minimumThroughput: 4,
      failureRatio: 0.5,
      breakDuration: 60_000,
      redisTimeout,
    };
    const first = closedAfterTest(new RedisBreaker(options));
    await first.sync();
    let inventoryCalls = 0;
    class Inventory {
      @CircuitBreaker(first)
      async reserve(): Promise<string> {
        inventoryCalls += 1;
        throw networkFailure();
      }
    }
    const inventory = new Inventory();
    // While it follows the fleet, the instance admits by the fleet's state as last exchanged:
    // these four fail with the method's own error, none is refused.
    for (let call = 0; call < 4; call++) {
      await expect(inventory.reserve()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    expect(inventoryCalls).toBe(4);
    await first.sync();
    expect(first.state).toBe('open');
    const refused = await inventory.reserve().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokenCircuitError);
    expect((refused as BrokenCircuitError).retryAfter).toBeGreaterThan(50_000);
    expect(inventoryCalls).toBe(4);
    expect(stats(first)).toMatchObject({ failures: 4, rejections: 1 });

    // Another instance on the same key has seen none of those calls: it reads them from Redis.
    const second = closedAfterTest(new RedisBreaker(options));
    await second.sync();
    // (The window's counts start anew when the circuit opens: the state is what is shared.)
    expect(second.fleetView?.state).toBe('open');
    expect(second.fleetView!.waitEndsAt - Date.now()).toBeGreaterThan(50_000);
    let billingCalls = 0;
    @CircuitBreaker(second)
    class Billing {
      @Retry({ maxAttempts: 3, delays: [0] })
      async charge(): Promise<string> {
        billingCalls += 1;
        return 'charged';
      }
    }
    await expect(new Billing().charge()).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(billingCalls).toBe(0);
  });

  it("@RateLimit(redisLimiter): what one instance's method spent, a second instance cannot", async () => {
    const key = uniqueKey('legacy-limiter');
    const options = {
      client: client.client,
      key,
      limit: 5,
      interval: 60_000,
      maxWait: 0,
      redisTimeout,
    };
    const first = closedAfterTest(new RedisRateLimiter(options));
    await first.sync();
    class Models {
      @RateLimit(first)
      async converse(): Promise<string> {
        return 'answered';
      }
    }
    const models = new Models();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => models.converse()));
    // The only instance in the fleet: the quota of 5 is its share, the other 3 calls are refused.
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected')) {
      expect(outcome.reason).toBeInstanceOf(RateLimitExceededError);
    }
    expect(stats(first)).toMatchObject({ granted: 5, rejections: 3 });
    await first.sync(); // charges the 5 units to the fleet

    const second = closedAfterTest(new RedisRateLimiter(options));
    await second.sync();
    // 5 units of 12 s each: the fleet's quota is spent for about a minute.
    expect(second.fleetView?.ahead).toBeGreaterThan(55_000);
    let reportCalls = 0;
    @RateLimit(second)
    class Reports {
      @Retry({ maxAttempts: 1 })
      async render(): Promise<string> {
        reportCalls += 1;
        return 'rendered';
      }
    }
    await expect(new Reports().render()).rejects.toBeInstanceOf(RateLimitExceededError);
    expect(reportCalls).toBe(0);
  });

  it("@Retry({ budget: redisBudget }): the fleet's retries are spent for a second instance too", async () => {
    const key = uniqueKey('legacy-budget');
    // A flat allowance of 10 retries per 10 s window, for the whole fleet.
    const options = { client: client.client, key, ratio: 0, minPerSecond: 1, redisTimeout };
    const first = closedAfterTest(new RedisRetryBudget(options));
    await first.sync();
    let ordersAttempts = 0;
    class Orders {
      @Retry({ maxAttempts: 3, delays: [0], budget: first })
      async place(): Promise<string> {
        ordersAttempts += 1;
        throw networkFailure();
      }
    }
    const orders = new Orders();
    // Five calls retry twice each (10 retries); the sixth finds the budget spent: one attempt.
    for (let call = 0; call < 6; call++) {
      await expect(orders.place()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    expect(ordersAttempts).toBe(5 * 3 + 1);
    expect(stats(first)).toMatchObject({ calls: 6, retries: 10 });
    await first.sync(); // sends the 10 retries to the fleet's window

    const second = closedAfterTest(new RedisRetryBudget(options));
    await second.sync();
    expect(second.fleetView).toMatchObject({ retries: 10 });
    let paymentsAttempts = 0;
    @RetryDefaults({ budget: second })
    class Payments {
      @Retry({ maxAttempts: 3, delays: [0] })
      async capture(): Promise<string> {
        paymentsAttempts += 1;
        throw networkFailure();
      }
    }
    await expect(new Payments().capture()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // A local RetryBudget of its own would have retried twice.
    expect(paymentsAttempts).toBe(1);
  });
});
