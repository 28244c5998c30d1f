// The fleet-wide classes decide as their local classes do while Redis answers: one instance given
// the same events as a local RetryBudget, Breaker or RateLimiter makes the same decisions.
import { Breaker, RetryBudget } from '../../src';
import { ErrorCategory } from '../../src/classify/error-category';
import { RedisBreaker, RedisRetryBudget } from '../../src/redis';
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

const networkFailure = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** Reports attempts through the breaker's own interface, as the pipeline does: 'f' fails. */
function report(target: Breaker, outcomes: string): void {
  for (const outcome of outcomes) {
    const ticket = target.enter(undefined);
    if (ticket === 0) continue;
    if (outcome === 'f') {
      target.failed(undefined, ticket, networkFailure(), ErrorCategory.NETWORK, 0);
    } else {
      target.succeeded(undefined, ticket, 0);
    }
  }
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

  it('grants no retry past the allowance once the retries granted were sent to Redis', async () => {
    const options = { ratio: 0.07, minPerSecond: 0, window: 60_000 };
    const fleet = new RedisRetryBudget({
      client: client.client,
      key: uniqueKey('parity-budget-sent'),
      redisTimeout: 1000,
      ...options,
    });
    closing.push(fleet);
    await fleet.sync();
    for (let call = 0; call < 100; call++) fleet.recordCall();
    await fleet.sync();
    expect(grants(fleet, 10)).toBe(7);
    await fleet.sync();
    expect(fleet.fleetView).toEqual({ calls: 100, retries: 7, instances: 1 });
    // What is left is 7.000000000000001 - 7: float error, no retry, as a local budget sees it.
    expect(grants(fleet, 10)).toBe(0);
  });

  it('opens in ratio mode on a failure only, as a local Breaker: successes that reach the throughput do not', async () => {
    const options = { failureRatio: 0.5, minimumThroughput: 4, breakDuration: 60_000 };
    const local = new Breaker(options);
    const key = uniqueKey('parity-ratio');
    const [first, second] = [0, 1].map(() => {
      const made = new RedisBreaker({ client: client.client, key, redisTimeout: 1000, ...options });
      closing.push(made);
      return made;
    }) as [RedisBreaker, RedisBreaker];
    await first.sync();
    await second.sync();
    // Three failures, below the throughput; then a success makes 4 calls, 3 of them failures.
    report(local, 'fff');
    report(first, 'fff');
    await first.sync();
    report(local, 's');
    report(second, 's');
    await second.sync();
    expect(local.state).toBe('closed');
    expect(second.state).toBe('closed');
    await first.sync();
    expect(first.state).toBe('closed');
    // The next failure (4 of 5) opens both.
    report(local, 'f');
    report(first, 'f');
    await first.sync();
    expect(local.state).toBe('open');
    expect(first.state).toBe('open');
  });

  it('does not open in ratio mode on successes sent in one batch after its failures', async () => {
    const options = { failureRatio: 0.5, minimumThroughput: 4, breakDuration: 60_000 };
    const local = new Breaker(options);
    const fleet = new RedisBreaker({
      client: client.client,
      key: uniqueKey('parity-ratio-batch'),
      redisTimeout: 1000,
      ...options,
    });
    closing.push(fleet);
    await fleet.sync();
    report(local, 'ff');
    report(fleet, 'ff');
    await fleet.sync();
    // One batch: a failure (3 calls, below the throughput), then a success that makes 4 calls.
    report(local, 'fs');
    report(fleet, 'fs');
    await fleet.sync();
    expect(local.state).toBe('closed');
    expect(fleet.state).toBe('closed');
    // The next failure (4 of 5) opens both.
    report(local, 'f');
    report(fleet, 'f');
    await fleet.sync();
    expect(local.state).toBe('open');
    expect(fleet.state).toBe('open');
  });
});
