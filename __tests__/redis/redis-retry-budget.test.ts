// RedisRetryBudget against the run's redis-server (real clients of both kinds): one window for
// every instance that names the key, decisions that never wait for Redis, local decisions while
// Redis is slow or unreachable, and bad data in its keys read as missing.
import { retryable, RetryBudget, stats, withRetry } from '../../src';
import { RedisRetryBudget } from '../../src/redis';
import { startLatencyProxy } from './latency-proxy';
import {
  connectClient,
  sharedRedisPort,
  countingScripts,
  timersLeftHoldingProcess,
  uniqueKey,
  type TestClient,
} from './shared-redis';

const budgets: RedisRetryBudget[] = [];
function budget(
  client: TestClient,
  key: string,
  options: Partial<ConstructorParameters<typeof RedisRetryBudget>[0]> = {},
): RedisRetryBudget {
  // A generous redisTimeout unless a test sets one: on a loaded machine an exchange must not time
  // out where a test asserts the fleet's view.
  const made = new RedisRetryBudget({
    client: client.client,
    key,
    ratio: 0,
    minPerSecond: 1,
    redisTimeout: 1000,
    ...options,
  });
  budgets.push(made);
  return made;
}

function grants(target: RetryBudget, asks: number): number {
  let granted = 0;
  for (let ask = 0; ask < asks; ask++) if (target.tryRetry()) granted += 1;
  return granted;
}

afterEach(async () => {
  await Promise.all(budgets.splice(0).map((made) => made.close()));
});

describe.each(['ioredis', 'node-redis'] as const)('RedisRetryBudget with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it('is a RetryBudget, accepted where one is', async () => {
    const shared = budget(client, uniqueKey('accepted'));
    expect(shared).toBeInstanceOf(RetryBudget);
    let attempts = 0;
    await expect(
      withRetry(
        () => {
          attempts += 1;
          if (attempts < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
          return 'done';
        },
        { maxAttempts: 3, delays: [0], budget: shared },
      ),
    ).resolves.toBe('done');
    expect(stats(shared)).toMatchObject({ calls: 1, retries: 2 });
  });

  it('gives the instances that share a key one window: what one spent, the other cannot', async () => {
    const key = uniqueKey('window');
    // A flat allowance of 10 retries per 10 s window, for the whole fleet.
    const first = budget(client, key);
    const second = budget(client, key);
    await first.sync();
    await second.sync();
    await first.sync();
    expect(first.fleetView).toEqual({ calls: 0, retries: 0, instances: 2 });
    // Each spends at most its share of what the fleet has left until they exchange again.
    expect(grants(first, 20)).toBe(5);
    await first.sync();
    await second.sync();
    expect(second.fleetView).toMatchObject({ retries: 5 });
    expect(grants(second, 20)).toBe(3); // 5 left, half of it: 2.5, so 3 (one retry of rounding)
    await second.sync();
    await first.sync();
    expect(first.fleetView).toMatchObject({ retries: 8 });
    // A local RetryBudget of each would have granted 10 each: 20 in all.
    expect(grants(first, 20) + grants(second, 20)).toBeLessThanOrEqual(2);
  });

  it("counts first attempts in the background and earns retries by the fleet's calls", async () => {
    const key = uniqueKey('calls');
    const shared = budget(client, key, { ratio: 0.5, minPerSecond: 0 });
    await shared.sync();
    for (let call = 0; call < 10; call++) shared.recordCall();
    // Not sent yet: the calls made since the last exchange earn their ratio locally.
    expect(grants(shared, 10)).toBe(5);
    await shared.sync();
    expect(shared.fleetView).toEqual({ calls: 10, retries: 5, instances: 1 });
    expect(grants(shared, 10)).toBe(0);
  });

  it('makes no round trip for a successful call: first attempts reach Redis in one exchange', async () => {
    const { client: counting, scripts } = countingScripts(client);
    const shared = budget(counting, uniqueKey('round-trips'));
    const method = retryable((value: number) => value + 1, { budget: shared });
    let sum = 0;
    for (let call = 0; call < 10_000; call++) sum += method(call);
    expect(sum).toBe(50_005_000);
    // The first use started the background exchange (one script); no call made one of its own.
    expect(scripts()).toBeLessThanOrEqual(1);
    await shared.sync();
    expect(shared.fleetView?.calls).toBe(10_000);
  });

  it('reads a key of the wrong type or garbage in its fields as missing', async () => {
    const key = uniqueKey('garbage');
    const shared = budget(client, key);
    await client.command(['SET', `${shared.redisKey}:window`, 'not a hash']);
    await client.command(['HSET', `${shared.redisKey}:instances`, 'a', 'b']);
    await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    expect(shared.fleetView).toEqual({ calls: 0, retries: 0, instances: 1 });
    await client.command(['DEL', `${shared.redisKey}:window`]);
    const bucket = Math.floor(Date.now() / 1000);
    await client.command([
      'HSET',
      `${shared.redisKey}:window`,
      `r${bucket}`,
      'lots',
      'rubbish',
      '7',
      `c${bucket}`,
      'inf',
    ]);
    await shared.sync();
    expect(shared.fleetView).toEqual({ calls: 0, retries: 0, instances: 1 });
    expect(grants(shared, 20)).toBe(10);
  });

  it('reads a negative count in its window as missing, never as retries to spare', async () => {
    const key = uniqueKey('negative');
    const shared = budget(client, key);
    // This second's bucket and the next (the exchange may run in either): none of the script's.
    const bucket = Math.floor(Date.now() / 1000);
    await client.command([
      'HSET',
      `${shared.redisKey}:window`,
      ...[bucket, bucket + 1].flatMap((at) => [`r${at}`, '-1000', `c${at}`, '-50']),
    ]);
    await shared.sync();
    expect(shared.fleetReachable).toBe(true);
    expect(shared.fleetView).toEqual({ calls: 0, retries: 0, instances: 1 });
    expect(grants(shared, 20)).toBe(10);
  });

  it('counts no instance timed in the future, which would never leave the set', async () => {
    const key = uniqueKey('ghost');
    const shared = budget(client, key);
    // Another program's member, timed a million years ahead: no instance wrote it, and it would
    // never leave the set.
    await client.command(['ZADD', `${shared.redisKey}:instances`, '3e16', 'ghost']);
    await shared.sync();
    expect(shared.fleetView).toEqual({ calls: 0, retries: 0, instances: 1 });
    expect(grants(shared, 20)).toBe(10);
  });

  it('decides alone within redisTimeout while Redis is slow, and follows the fleet again after', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const slow = await connectClient(kind, proxy.port);
    try {
      const key = uniqueKey('slow');
      const shared = budget(slow, key, { redisTimeout: 30 });
      const other = budget(client, key);
      // 30 ms is short on a loaded machine: exchange until one answers in time.
      for (let tries = 0; tries < 50 && !shared.fleetReachable; tries++) await shared.sync();
      await other.sync();
      expect(other.fleetView).toMatchObject({ instances: 2 });
      // The other instance spends the fleet's whole allowance.
      expect(grants(other, 20)).toBe(5);
      await other.sync();
      expect(grants(other, 20)).toBe(3);
      await other.sync();
      proxy.delay = 80;
      await shared.sync(); // times out after 30 ms
      expect(shared.fleetReachable).toBe(false);
      // Alone, it has a local budget of its own: 10 retries, and a call never waits for Redis.
      const result = await withRetry(() => 'answered', { budget: shared });
      expect(result).toBe('answered');
      expect(grants(shared, 20)).toBe(10);
      proxy.delay = 0;
      // The replies held back by the proxy come first; then an exchange answers in time.
      for (let tries = 0; tries < 50 && !shared.fleetReachable; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await shared.sync();
      }
      expect(shared.fleetReachable).toBe(true);
      // Back in the fleet, whose window now holds the retries it made alone: none left.
      expect(shared.fleetView?.retries).toBeGreaterThanOrEqual(18);
      expect(grants(shared, 5)).toBe(0);
    } finally {
      await slow.close();
      await proxy.close();
    }
  });

  it('never fails or throws a call when Redis is unreachable', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const lost = await connectClient(kind, proxy.port);
    try {
      const shared = budget(lost, uniqueKey('unreachable'), { redisTimeout: 50 });
      await shared.sync();
      await proxy.close();
      await shared.sync();
      expect(shared.fleetReachable).toBe(false);
      let attempts = 0;
      await expect(
        withRetry(
          () => {
            attempts += 1;
            if (attempts === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
            return attempts;
          },
          { maxAttempts: 2, delays: [0], budget: shared },
        ),
      ).resolves.toBe(2);
    } finally {
      // The client's server is gone: closing it must not leave a timer that holds jest open.
      expect(await timersLeftHoldingProcess(() => lost.close())).toBe(0);
    }
  });
});

describe('RedisRetryBudget options', () => {
  const client = { evalsha: async () => null, eval: async () => null };
  it.each([
    [{ key: 'k' }, /RedisRetryBudget: option "client" must be an ioredis or redis/],
    [{ client: {}, key: 'k' }, /option "client"/],
    [{ client }, /RedisRetryBudget: option "key" must be a non-empty string, got undefined/],
    [{ client, key: '' }, /option "key"/],
    [
      { client, key: 'k', redisTimeout: 0 },
      /option "redisTimeout" must be a finite number > 0 and <= 2147483647, got 0/,
    ],
    [{ client, key: 'k', ratio: -1 }, /option "ratio"/],
    [{ client, key: 'k', burst: 1 }, /unknown option "burst"/],
  ])('refuses %p', (options, message) => {
    expect(() => new RedisRetryBudget(options as never)).toThrow(message);
  });

  it("exchanges on an unref'd timer, started at the first use, and leaves none after close()", async () => {
    jest.useFakeTimers();
    try {
      const made = new RedisRetryBudget({ client, key: 'timers' });
      expect(jest.getTimerCount()).toBe(0);
      made.recordCall();
      // The interval, and the first exchange's timeout while its reply is on its way.
      expect(jest.getTimerCount()).toBeGreaterThanOrEqual(1);
      await made.close();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
