// The fleet-wide classes decide as their local classes do while Redis answers: one instance given
// the same events as a local RetryBudget, Breaker or RateLimiter makes the same decisions.
import { RetryBudget } from '../../src';
import { RedisRetryBudget } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((made) => made.close()));
});

function grants(target: RetryBudget, asks: number): number {
  let granted = 0;
  for (let ask = 0; ask < asks; ask++) if (target.tryRetry()) granted += 1;
  return granted;
}

describe.each(['ioredis', 'node-redis'] as const)('fleet-wide parity with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it('grants as many retries as a local RetryBudget when ratio x calls is a whole number', async () => {
    const options = { ratio: 0.07, minPerSecond: 0, window: 60_000 };
    const local = new RetryBudget(options);
    const fleet = new RedisRetryBudget({
      client: client.client,
      key: uniqueKey('parity-budget'),
      redisTimeout: 1000,
      ...options,
    });
    closing.push(fleet);
    await fleet.sync();
    for (let call = 0; call < 100; call++) {
      local.recordCall();
      fleet.recordCall();
    }
    await fleet.sync();
    expect(fleet.fleetView).toEqual({ calls: 100, retries: 0, instances: 1 });
    // 0.07 x 100 is the double 7.000000000000001: seven retries, as the local rule grants, not eight.
    expect(grants(local, 10)).toBe(7);
    expect(grants(fleet, 10)).toBe(7);
  });
});
