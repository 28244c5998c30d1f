// A retry RedisRetryBudget granted that then never ran is given back where it was counted: in
// the fleet's window once the grant was sent to Redis, and in the window (local or fleet) that
// granted it, whatever was granted since.
import { RedisRetryBudget } from '../../src/redis';
import { budgetScript } from '../../src/integrations/redis/scripts';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

const closing: RedisRetryBudget[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((made) => made.close()));
});

let redis: TestClient;
beforeAll(async () => {
  redis = await connectClient('ioredis');
});
afterAll(async () => {
  await redis.close();
});

function fleetBudget(client: object, key: string): RedisRetryBudget {
  const made = new RedisRetryBudget({
    client: client as TestClient['client'],
    key,
    ratio: 0,
    minPerSecond: 1,
    window: 10_000,
    redisTimeout: 1000,
  });
  closing.push(made);
  return made;
}

describe('a refund of a retry already sent to the fleet', () => {
  it('takes the retry out of the fleet window at the next exchange', async () => {
    const budget = fleetBudget(redis.client, uniqueKey('sent-refund'));
    await budget.sync();
    expect(budget.tryRetry()).toBe(true);
    await budget.sync(); // the grant reaches Redis
    expect(budget.fleetView?.retries).toBe(1);
    budget.refundRetry();
    await budget.sync();
    expect(budget.fleetView?.retries).toBe(0);
    expect(budget.retriesInWindow).toBe(0);
  });

  it('never takes the fleet window below zero, whatever an instance sends', async () => {
    const key = uniqueKey('hostile-refund');
    const budget = fleetBudget(redis.client, key);
    await budget.sync();
    expect(budget.tryRetry()).toBe(true);
    await budget.sync();
    const prefix = budget.redisKey;
    const keys = [`${prefix}:window`, `${prefix}:instances`];
    const reply = (await redis.command([
      'EVAL',
      budgetScript.source,
      '2',
      ...keys,
      'hostile',
      '0',
      '-5',
      '10000',
      '1e9',
    ])) as unknown[];
    expect(reply[1]).toBe('0');
    const fields = (await redis.command(['HGETALL', keys[0]!])) as string[];
    for (let index = 1; index < fields.length; index += 2) {
      expect(Number(fields[index])).toBeGreaterThanOrEqual(0);
    }
  });
});
