// Units a fleet-wide policy must account for on the right side: a lease granted by a reply that
// came after `redisTimeout` (and a breaker's trial call's place), a turn released after the limiter
// switched between the fleet and its local share, and retries granted through Redis in `stats()`.
import { stats } from '../../src';
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';
import { connectClient, controlledClient, uniqueKey, type TestClient } from './shared-redis';

/** Lets the callbacks of settled replies run, and a command they sent leave. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const closing: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((made) => made.close()));
});

describe.each(['ioredis', 'node-redis'] as const)('fleet accounting with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  function limiter(
    redis: object,
    key: string,
    options: Partial<ConstructorParameters<typeof RedisRateLimiter>[0]> = {},
  ): RedisRateLimiter {
    const made = new RedisRateLimiter({
      client: redis as TestClient['client'],
      key,
      limit: 100,
      interval: 60_000,
      maxWait: 0,
      redisTimeout: 1000,
      ...options,
    });
    closing.push(made);
    return made;
  }

  /**
   * A limiter that used 20 units and whose next exchange (charging them, leasing 20 more) is held
   * past its 50 ms `redisTimeout`, and another instance on the same key to read the fleet with.
   */
  async function leaseWithLateReply(name: string) {
    const key = uniqueKey(name);
    const { control, client: slow } = controlledClient(client);
    // Both on one connection: Redis runs their commands in the order they were sent.
    const shared = limiter(slow, key, { redisTimeout: 50 });
    const other = limiter(client.client, key);
    // 50 ms is short on a loaded machine: exchange until one answers in time.
    for (let tries = 0; tries < 50 && !shared.fleetReachable; tries++) await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    const time = Date.now();
    for (let ask = 0; ask < 20; ask++) shared.tryAcquire(1, 0, time);
    control.holding = true;
    await shared.sync();
    return { control, shared, other };
  }

  it('gives back to the fleet the lease of a reply that came after redisTimeout', async () => {
    const { control, shared, other } = await leaseWithLateReply('late-lease');
    expect(shared.fleetReachable).toBe(false);
    expect(shared.leased).toBe(0);
    control.letGo();
    await settle();
    // Gives back every lease it holds, and sends nothing after.
    await shared.close();
    await other.sync();
    // The 20 used are charged (600 ms each); the late lease of 20 is not held by the fleet.
    expect(other.fleetView?.ahead).toBeGreaterThan(20 * 600 - 3000);
    expect(other.fleetView?.ahead).toBeLessThanOrEqual(20 * 600);
  });

  it('gives a late lease back to the fleet even when the reply comes after close()', async () => {
    const { control, shared, other } = await leaseWithLateReply('late-after-close');
    await shared.close(); // its last exchange times out too
    control.letGo();
    await settle();
    await other.sync();
    expect(other.fleetView?.ahead).toBeGreaterThan(20 * 600 - 3000);
    expect(other.fleetView?.ahead).toBeLessThanOrEqual(20 * 600);
  });

  /**
   * A breaker whose fleet circuit is half-open in round 7, its one trial call not claimed yet (a
   * start in the future reads as now), through a client whose replies the test can hold back.
   */
  async function halfOpenBreaker(key: string) {
    const { control, client: slow } = controlledClient(client);
    const breaker = new RedisBreaker({
      client: slow as TestClient['client'],
      key: uniqueKey(key),
      consecutiveFailures: 1,
      breakDuration: 60_000,
      halfOpenProbes: 1,
      redisTimeout: 50,
    });
    closing.push(breaker);
    await client.command(['HSET', breaker.redisKey, 'state', 'half-open', 'opens', '1']);
    await client.command(['HSET', breaker.redisKey, 'halfOpenSince', '9000000000000000']);
    await client.command(['HSET', breaker.redisKey, 'claimed', '0', 'round', '7']);
    for (let tries = 0; tries < 50 && breaker.state !== 'half-open'; tries++) await breaker.sync();
    expect(breaker.state).toBe('half-open');
    return { breaker, control };
  }

  it("gives back a trial call's place that a claim answered after redisTimeout was granted", async () => {
    const { breaker, control } = await halfOpenBreaker('late-claim');
    control.holding = true;
    expect(breaker.enter(undefined)).toBe(0); // refused; the place is claimed in the background
    await new Promise((resolve) => setTimeout(resolve, 80)); // the claim times out
    expect(await client.command(['HGET', breaker.redisKey, 'claimed'])).toBe('1');
    control.letGo();
    await settle();
    // Sent after the give-back, on the same connection: Redis ran that first.
    expect(await client.command(['HGET', breaker.redisKey, 'claimed'])).toBe('0');
  });

  it('gives a late-granted place back to the round it was granted in, not a later one', async () => {
    const { breaker, control } = await halfOpenBreaker('late-claim-round');
    control.holding = true;
    expect(breaker.enter(undefined)).toBe(0); // the claim of round 7, its reply held back
    await new Promise((resolve) => setTimeout(resolve, 80)); // the claim times out
    // Meanwhile the fleet moved on to round 8, whose one place another instance holds.
    control.holding = false;
    await client.command(['HSET', breaker.redisKey, 'claimed', '1', 'round', '8']);
    await breaker.sync();
    // The late reply of round 7 comes: its place is given back to round 7, which is over.
    for (const deliver of control.held.splice(0)) deliver();
    await settle();
    expect(await client.command(['HGET', breaker.redisKey, 'round'])).toBe('8');
    expect(await client.command(['HGET', breaker.redisKey, 'claimed'])).toBe('1');
  });

  it('gives a turn the fleet granted back to the fleet, after Redis was lost', async () => {
    const { control, client: flaky } = controlledClient(client);
    const shared = limiter(flaky, uniqueKey('fleet-turn'), { limit: 10, interval: 1000 });
    await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    // One clock reading for every decision: how long the test takes changes none of them.
    const time = Date.now();
    for (let ask = 0; ask < 10; ask++) expect(shared.tryAcquire(1, 0, time)).toBe(0);
    // The fleet's burst is spent: the next turn is about 100 ms away, charged to the fleet.
    expect(shared.tryAcquire(1, 1000, time)).toBeGreaterThan(0);
    const grant = shared.lastGrant;
    control.down = true;
    await shared.sync();
    expect(shared.fleetReachable).toBe(false);
    // The wait was aborted: the unit the fleet was charged is the instance's to spend again.
    shared.release(1, time, grant);
    expect(shared.leased).toBe(1);
  });

  it('gives a turn its local share granted back to the local share, after Redis came back', async () => {
    const { control, client: flaky } = controlledClient(client);
    control.down = true;
    const shared = limiter(flaky, uniqueKey('local-turn'), { limit: 10, interval: 1000 });
    await shared.sync();
    expect(shared.fleetReachable).toBe(false);
    const time = Date.now();
    for (let ask = 0; ask < 10; ask++) expect(shared.tryAcquire(1, 0, time)).toBe(0);
    expect(shared.tryAcquire(1, 1000, time)).toBe(100);
    const grant = shared.lastGrant;
    control.down = false;
    await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    const leased = shared.leased;
    // Not the fleet's unit: the lease stays what the fleet granted.
    shared.release(1, time, grant);
    expect(shared.leased).toBe(leased);
    // The local share got it back: once Redis is lost again, its next turn is the one the released
    // unit had (100 ms away), not the one after it (200 ms).
    control.down = true;
    await shared.sync();
    expect(shared.fleetReachable).toBe(false);
    expect(shared.tryAcquire(1, 1000, time)).toBe(100);
  });

  it("counts the retries the fleet granted in stats()' retriesInWindow, until they leave it", async () => {
    const budget = new RedisRetryBudget({
      client: client.client,
      key: uniqueKey('budget-stats'),
      ratio: 0,
      minPerSecond: 1,
      window: 10_000,
      redisTimeout: 1000,
    });
    closing.push(budget);
    await budget.sync();
    expect(budget.fleetReachable).toBe(true);
    budget.recordCall();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, true]);
    budget.refundRetry();
    expect(stats(budget)).toMatchObject({ calls: 1, retries: 2, retriesInWindow: 2 });
    expect(budget.retriesInWindow).toBe(2);
    const later = Date.now() + 10_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(stats(budget)).toMatchObject({ retries: 2, callsInWindow: 0, retriesInWindow: 0 });
    } finally {
      clock.mockRestore();
    }
  });
});

describe('RedisRateLimiter stats() across local shares', () => {
  it('keeps the counts of a local share it replaced (the fleet it last saw changed size)', async () => {
    const state = { up: false, reply: ['0', '0', '2'] as unknown };
    const answer = async () => {
      if (!state.up) throw new Error('Connection is closed.');
      return state.reply;
    };
    const shared = new RedisRateLimiter({
      client: { evalsha: answer, eval: answer },
      key: 'replaced-share',
      limit: 10,
      interval: 1000,
      maxWait: 0,
    });
    closing.push(shared);
    const time = Date.now();
    await shared.sync();
    // Alone as far as it knows: a share of 10.
    for (let ask = 0; ask < 12; ask++) shared.tryAcquire(1, 0, time);
    expect(stats(shared)).toMatchObject({ granted: 10, rejections: 2 });
    state.up = true;
    await shared.sync(); // two instances in the fleet
    state.up = false;
    await shared.sync();
    expect(shared.fleetReachable).toBe(false);
    // A share of 5 now, a new local limiter: the 10 granted and 2 refused before still count.
    for (let ask = 0; ask < 6; ask++) shared.tryAcquire(1, 0, time);
    expect(stats(shared)).toMatchObject({ granted: 15, rejections: 3 });
  });
});
