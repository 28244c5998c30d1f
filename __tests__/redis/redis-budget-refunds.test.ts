// A retry RedisRetryBudget granted that then never ran is given back where it was counted: in
// the fleet's window once the grant was sent to Redis, and in the window (local or fleet) that
// granted it, whatever was granted since.
import { Breaker, HttpError, withRetry } from '../../src';
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

  it('sends no refund for a retry this instance was not granted', async () => {
    const key = uniqueKey('spurious-refund');
    const granting = fleetBudget(redis.client, key);
    const other = fleetBudget(redis.client, key);
    await Promise.all([granting.sync(), other.sync()]);
    expect(granting.tryRetry()).toBe(true);
    await granting.sync();
    other.refundRetry(); // nothing this instance was granted: nothing to give back
    await other.sync();
    expect(other.fleetView?.retries).toBe(1);
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

describe('a refund goes to the side that granted the retry', () => {
  it('gives a retry granted locally back to the local window after the fleet granted one', async () => {
    const state = { up: false };
    const answer = async () => {
      if (!state.up) throw new Error('Connection is closed.');
      return ['0', '0', '1', '1'];
    };
    const budget = new RedisRetryBudget({
      client: { evalsha: answer, eval: answer },
      key: 'refund-origin',
      ratio: 0,
      minPerSecond: 0.1, // one retry per window, locally or from the fleet's view
      window: 10_000,
      redisTimeout: 1000,
    });
    closing.push(budget);
    await budget.sync();
    expect(budget.fleetReachable).toBe(false);
    const breaker = new Breaker({ consecutiveFailures: 100 });
    let release: (() => void) | undefined;
    const call = withRetry(
      async () => {
        throw new HttpError(503, {}, 'down');
      },
      {
        maxAttempts: 2,
        delays: [30],
        jitter: 'none',
        budget,
        circuitBreaker: breaker,
        // The retry, granted by the local budget, will be refused by the breaker.
        onRetry: () => {
          release ??= breaker.isolate();
        },
      },
    );
    const settled = call.catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(release).toBeDefined();
    state.up = true;
    await budget.sync();
    expect(budget.fleetReachable).toBe(true);
    expect(budget.tryRetry()).toBe(true); // another call's retry, granted by the fleet
    expect(await settled).toMatchObject({ message: 'down' });
    release!();
    // Redis is lost again: the local window decides, and the refused retry left it.
    state.up = false;
    await budget.sync();
    expect(budget.fleetReachable).toBe(false);
    expect(budget.tryRetry()).toBe(true);
  });
});
