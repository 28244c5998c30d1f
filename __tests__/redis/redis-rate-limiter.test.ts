// RedisRateLimiter against the run's redis-server (real clients of both kinds): one quota for
// every instance that names the key, spent from leases so that no call waits for Redis, a local
// share of the limit while Redis is slow or unreachable, and bad data in its keys read as missing.
import { RateLimit, RateLimiter, RateLimitExceededError, stats, withRetry } from '../../src';
import { RedisRateLimiter } from '../../src/redis';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';
import { startLatencyProxy } from './latency-proxy';
import {
  connectClient,
  sharedRedisPort,
  countingScripts,
  timersLeftHoldingProcess,
  uniqueKey,
  type TestClient,
} from './shared-redis';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const limiters: RedisRateLimiter[] = [];
function limiter(
  client: TestClient,
  key: string,
  options: Partial<ConstructorParameters<typeof RedisRateLimiter>[0]> = {},
): RedisRateLimiter {
  // A generous redisTimeout unless a test sets one: on a loaded machine an exchange must not time
  // out where a test asserts the fleet's view.
  const made = new RedisRateLimiter({
    client: client.client,
    key,
    limit: 10,
    interval: 1000,
    maxWait: 0,
    redisTimeout: 1000,
    ...options,
  });
  limiters.push(made);
  return made;
}

/** How many of `asks` acquisitions of one unit, now, the limiter grants at once. */
function grants(target: RateLimiter, asks: number): number {
  let granted = 0;
  for (let ask = 0; ask < asks; ask++) if (target.tryAcquire(1, 0, Date.now()) === 0) granted += 1;
  return granted;
}

afterEach(async () => {
  await Promise.all(limiters.splice(0).map((made) => made.close()));
});

let server: ScriptedHttpServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  await server.close();
});

describe.each(['ioredis', 'node-redis'] as const)('RedisRateLimiter with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it('is a RateLimiter, accepted by withRetry, @RateLimit and stats()', async () => {
    const shared = limiter(client, uniqueKey('accepted'), { limit: 5 });
    expect(shared).toBeInstanceOf(RateLimiter);
    await shared.sync();
    await expect(withRetry(() => 'done', { rateLimiter: shared })).resolves.toBe('done');
    class Models {
      @RateLimit(shared)
      async converse(): Promise<string> {
        return 'answered';
      }
    }
    const models = new Models();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => models.converse()));
    const refused = outcomes.filter(
      (outcome) =>
        outcome.status === 'rejected' && outcome.reason instanceof RateLimitExceededError,
    );
    // One instance in the fleet: the whole burst of 5 is its share, the other 4 calls are refused.
    expect(refused).toHaveLength(4);
    expect(stats(shared)).toMatchObject({ granted: 5, rejections: 4 });
  });

  it('keeps several instances under one limit per interval, where local limiters each spend their own', async () => {
    const key = uniqueKey('fleet');
    const limit = 10;
    const interval = 200;
    const fleet = [0, 1, 2].map(() => limiter(client, key, { limit, interval }));
    for (const member of fleet) await member.sync();
    await fleet[0]!.sync();
    expect(fleet[0]!.fleetView?.instances).toBe(3);
    const path = `/fleet-${kind}`;
    const received: number[] = [];
    server.script(path, [
      () => {
        received.push(Date.now());
        return { status: 200 };
      },
    ]);
    const call = (member: RedisRateLimiter) =>
      withRetry(
        async () => {
          const response = await fetch(`${server.url}${path}`);
          await response.arrayBuffer();
        },
        { rateLimiter: member, maxAttempts: 1 },
      ).then(
        () => 'passed',
        (error: unknown) => {
          if (error instanceof RateLimitExceededError) return 'refused';
          throw error;
        },
      );
    // Each instance asks for far more than the quota: 4 calls every ~10 ms.
    const outcomes: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 3 * interval) {
      outcomes.push(
        ...(await Promise.all(fleet.flatMap((member) => [0, 1, 2, 3].map(() => call(member))))),
      );
      await pause(10);
    }
    expect(outcomes.filter((outcome) => outcome === 'refused').length).toBeGreaterThan(0);
    expect(received.length).toBe(outcomes.filter((outcome) => outcome === 'passed').length);
    // The stated bound: the GCRA's limit + burst in any interval, plus at most one limit of units
    // spent from shares of a stale view. Three local limiters would let 3 x 2 x limit through.
    let busiest = 0;
    for (const [index, time] of received.entries()) {
      busiest = Math.max(
        busiest,
        received.slice(index).filter((later) => later < time + interval).length,
      );
    }
    expect(busiest).toBeLessThanOrEqual(3 * limit);
    const span = received.at(-1)! - received[0]!;
    expect(received.length).toBeLessThanOrEqual(3 * limit + (limit * span) / interval);
  });

  it('leases from the fleet in the background and spends the lease without a round trip', async () => {
    const { client: counting, scripts } = countingScripts(client);
    const key = uniqueKey('lease');
    const shared = limiter(counting, key, { limit: 1000, interval: 60_000 });
    const other = limiter(client, key, { limit: 1000, interval: 60_000 });
    await other.sync();
    await shared.sync();
    expect(shared.fleetView?.instances).toBe(2);
    // Before any demand, no lease: the first calls spend half of what the fleet has free.
    expect(grants(shared, 600)).toBe(500);
    const before = scripts();
    await shared.sync(); // charges those 500, and leases for the demand seen: 600 asked
    // One exchange (two if the periodic one came due meanwhile), none per call.
    expect(scripts() - before).toBeGreaterThanOrEqual(1);
    expect(scripts() - before).toBeLessThanOrEqual(2);
    expect(shared.leased).toBe(500);
    const sent = scripts();
    expect(grants(shared, 500)).toBe(500);
    expect(scripts()).toBe(sent);
    // The fleet's quota is spent: the other instance, after one exchange, gets nothing.
    await other.sync();
    expect(other.fleetView?.ahead).toBeGreaterThan(59_000);
    expect(grants(other, 10)).toBe(0);
  });

  it('gives an unused lease back when the demand stops, and at close()', async () => {
    const key = uniqueKey('give-back');
    const shared = limiter(client, key, { limit: 100, interval: 60_000 });
    const other = limiter(client, key, { limit: 100, interval: 60_000 });
    await shared.sync();
    for (let ask = 0; ask < 20; ask++) shared.tryAcquire(1, 0, Date.now());
    await shared.sync();
    expect(shared.leased).toBe(20);
    await shared.sync(); // the demand of the last two intervals is still 20
    await shared.sync(); // none for two intervals: the lease goes back
    expect(shared.leased).toBe(0);
    await other.sync();
    // 20 used (overdraft), the lease of 20 given back: 20 of 100 units charged.
    expect(other.fleetView?.ahead).toBeGreaterThan(20 * 600 - 1000);
    expect(other.fleetView?.ahead).toBeLessThanOrEqual(20 * 600);
    for (let ask = 0; ask < 5; ask++) shared.tryAcquire(1, 0, Date.now());
    await shared.sync();
    expect(shared.leased).toBe(5);
    await shared.close();
    await other.sync();
    expect(other.fleetView?.ahead).toBeGreaterThan(25 * 600 - 1000);
    expect(other.fleetView?.ahead).toBeLessThanOrEqual(25 * 600);
  });

  it('release gives back to the lease what the grant charged, though the rate fell since', async () => {
    const shared = limiter(client, uniqueKey('release'), { adaptive: true });
    await shared.sync();
    const now = Date.now();
    expect(grants(shared, 10)).toBe(10);
    expect(shared.tryAcquire(1, 1000, now)).toBeGreaterThan(0); // charged 1 unit, waits
    const grant = shared.lastGrant;
    shared.recordThrottle(now, now); // 7 units per second: 10/7 units charged per unit from now on
    const leased = shared.leased;
    shared.release(1, now, grant);
    expect(shared.leased - leased).toBeCloseTo(1, 9);
  });

  it('sends nothing after close() when a call that waits for its turn is aborted', async () => {
    const { client: counting, scripts } = countingScripts(client);
    const shared = limiter(counting, uniqueKey('closed-release'), { maxWait: 1000 });
    await shared.sync();
    expect(grants(shared, 10)).toBe(10);
    let sentBeforeAbort = 0;
    const timersLeft = await timersLeftHoldingProcess(async () => {
      const controller = new AbortController();
      const waiting = withRetry(() => 'ran', { rateLimiter: shared, signal: controller.signal });
      const settled = expect(waiting).rejects.toBe('caller left');
      await shared.close();
      sentBeforeAbort = scripts();
      controller.abort('caller left');
      await settled;
      // A grant of the local share, given back after close(): nothing reaches Redis either.
      const fallbackGrant = { takenFrom: new RateLimiter({ limit: 1, interval: 1000 }), taken: 1 };
      expect(() => shared.release(1, Date.now(), fallbackGrant)).not.toThrow();
      expect(() => shared.release(1, Date.now())).not.toThrow();
      await pause(100); // an exchange interval
    });
    expect(scripts()).toBe(sentBeforeAbort);
    // The wait's timer went with the abort; close() left none.
    expect(timersLeft).toBe(0);
  });

  it('reads a key of the wrong type or garbage in it as missing', async () => {
    const key = uniqueKey('garbage');
    const shared = limiter(client, key);
    await client.command(['HSET', shared.redisKey, 'a', 'b']);
    await client.command(['SET', `${shared.redisKey}:instances`, 'not a set']);
    await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    expect(shared.fleetView).toEqual({ ahead: 0, instances: 1 });
    expect(grants(shared, 20)).toBe(10);
    for (const garbage of ['lots', 'inf', 'nan', '-1e300', String(Date.now() + 1e12)]) {
      await client.command(['SET', shared.redisKey, garbage]);
      await shared.sync();
      expect(shared.fleetReachable).toBe(true);
      // At most the interval's worth of units leased and used, never the garbage's 1e12 ms.
      expect(shared.fleetView?.ahead).toBeLessThanOrEqual(1001);
    }
  });

  it('counts no instance timed in the future, which would never leave the set', async () => {
    const key = uniqueKey('ghost');
    const shared = limiter(client, key);
    // Another program's member, timed a million years ahead: no instance wrote it, and it would
    // never leave the set.
    await client.command(['ZADD', `${shared.redisKey}:instances`, '3e16', 'ghost']);
    await shared.sync();
    expect(shared.fleetView).toEqual({ ahead: 0, instances: 1 });
  });

  it('decides with its share of the limit while Redis is slow, and follows the fleet again after', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const slow = await connectClient(kind, proxy.port);
    try {
      const key = uniqueKey('slow');
      const shared = limiter(slow, key, { limit: 12, redisTimeout: 30 });
      const other = limiter(client, key, { limit: 12 });
      await other.sync();
      // 30 ms is short on a loaded machine: exchange until one answers in time.
      for (let tries = 0; tries < 50 && shared.fleetView?.instances !== 2; tries++) {
        await shared.sync();
      }
      expect(shared.fleetView?.instances).toBe(2);
      proxy.delay = 80;
      await shared.sync(); // times out after 30 ms
      expect(shared.fleetReachable).toBe(false);
      // Alone: a local limiter with limit 12 / 2 instances, and a call never waits for Redis.
      await expect(withRetry(() => 'answered', { rateLimiter: shared })).resolves.toBe('answered');
      // Of 6 units (one spent by the call above); a local limiter of the full limit would grant 11.
      const alone = grants(shared, 20);
      expect(alone).toBeLessThanOrEqual(5);
      expect(alone).toBeGreaterThanOrEqual(3);
      proxy.delay = 0;
      for (let tries = 0; tries < 50 && !shared.fleetReachable; tries++) {
        await pause(20);
        await shared.sync();
      }
      expect(shared.fleetReachable).toBe(true);
      // Back in the fleet: the two together spend at most the fleet's burst of 12 (the units used
      // alone are not charged to it), where two fallbacks would spend 6 each again.
      const byShared = grants(shared, 20);
      await other.sync();
      expect(byShared + grants(other, 20)).toBeLessThanOrEqual(12);
    } finally {
      await slow.close();
      await proxy.close();
    }
  });

  it('never fails or throws a call when Redis is unreachable', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const lost = await connectClient(kind, proxy.port);
    try {
      const shared = limiter(lost, uniqueKey('unreachable'), { redisTimeout: 50 });
      await shared.sync();
      await proxy.close();
      await shared.sync();
      expect(shared.fleetReachable).toBe(false);
      for (let call = 0; call < 10; call++) {
        await expect(withRetry(() => call, { rateLimiter: shared })).resolves.toBe(call);
      }
      await expect(withRetry(() => 'more', { rateLimiter: shared })).rejects.toBeInstanceOf(
        RateLimitExceededError,
      );
    } finally {
      await lost.close();
    }
  });
});

describe('RedisRateLimiter options', () => {
  const client = { evalsha: async () => null, eval: async () => null };
  it.each([
    [{ key: 'k', limit: 1, interval: 1 }, /RedisRateLimiter: option "client" must be an ioredis/],
    [{ client, limit: 1, interval: 1 }, /RedisRateLimiter: option "key" must be a non-empty/],
    [
      { client, key: 'k', limit: 1, interval: 1, redisTimeout: -1 },
      /option "redisTimeout" must be a finite number > 0 and <= 2147483647, got -1/,
    ],
    [{ client, key: 'k', interval: 1 }, /option "limit" is required/],
    [{ client, key: 'k', limit: 0, interval: 1 }, /option "limit"/],
    [{ client, key: 'k', limit: 1, interval: 1, burst: 2 }, /unknown option "burst"/],
  ])('refuses %p', (options, message) => {
    expect(() => new RedisRateLimiter(options as never)).toThrow(message);
  });

  it('decides locally, never waiting, before Redis has answered', () => {
    const made = new RedisRateLimiter({ client, key: 'alone', limit: 3, interval: 1000 });
    limiters.push(made);
    expect(grants(made, 5)).toBe(3);
  });

  it("exchanges on an unref'd timer, started at the first use, and leaves none after close()", async () => {
    jest.useFakeTimers();
    try {
      const made = new RedisRateLimiter({ client, key: 'timers', limit: 5, interval: 1000 });
      expect(jest.getTimerCount()).toBe(0);
      made.tryAcquire(1, 0, Date.now());
      expect(jest.getTimerCount()).toBeGreaterThanOrEqual(1);
      await made.close();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
