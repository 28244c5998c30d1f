// Fleet-wide policies against the run's redis-server when the data or the client misbehaves:
// garbage times in the breaker's state, awaited exchanges with a silent client, an out-of-range
// redisTimeout, and nothing sent to Redis after close().
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCategory } from '../../src/classify/error-category';
import {
  RedisBreaker,
  RedisRateLimiter,
  RedisRetryBudget,
  type RedisClientLike,
} from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

const breakers: RedisBreaker[] = [];
afterEach(async () => {
  await Promise.all(breakers.splice(0).map((made) => made.close()));
});

describe.each(['ioredis', 'node-redis'] as const)('RedisBreaker with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  function breaker(key: string): RedisBreaker {
    const made = new RedisBreaker({
      client: client.client,
      key,
      consecutiveFailures: 3,
      breakDuration: 1000,
      redisTimeout: 1000,
    });
    breakers.push(made);
    return made;
  }

  it('reads a break ending further away than the longest break as ending within it', async () => {
    const key = uniqueKey('garbage-break');
    const target = breaker(key);
    await target.sync();
    await client.command(['HSET', target.redisKey, 'state', 'open', 'breakEndsAt', '1e300']);
    await target.sync();
    expect(target.state).toBe('open');
    expect(target.remainingBreak(undefined)).toBeLessThanOrEqual(1000);
    const stored = Number(await client.command(['HGET', target.redisKey, 'breakEndsAt']));
    expect(stored).toBeLessThan(1e15);
  });

  it('reads a half-open round that starts in the future as starting now', async () => {
    const key = uniqueKey('garbage-half-open');
    const target = breaker(key);
    await target.sync();
    await client.command(['HSET', target.redisKey, 'state', 'half-open', 'halfOpenSince', '1e300']);
    await client.command(['HSET', target.redisKey, 'claimed', '1']);
    await target.sync();
    expect(target.state).toBe('half-open');
    expect(target.remainingBreak(undefined)).toBeLessThanOrEqual(1000);
  });
});

/** A client that counts the scripts sent through it. */
function countingClient(client: TestClient): { client: TestClient['client']; sent: () => number } {
  let sent = 0;
  const counted = new Proxy(client.client, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name === 'evalsha' || name === 'evalSha' || name === 'eval') {
        return (...args: unknown[]) => {
          sent += 1;
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
  return { client: counted, sent: () => sent };
}

describe('RedisBreaker after close()', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient('ioredis');
  });
  afterAll(async () => {
    await client.close();
  });

  async function openWithBreakOver(): Promise<{ target: RedisBreaker; sent: () => number }> {
    const counting = countingClient(client);
    const target = new RedisBreaker({
      client: counting.client,
      key: uniqueKey('closed'),
      consecutiveFailures: 3,
      breakDuration: 1000,
      redisTimeout: 1000,
    });
    breakers.push(target);
    await target.sync();
    await client.command(['HSET', target.redisKey, 'state', 'open', 'breakEndsAt', '1']);
    await target.sync();
    expect(target.fleetView?.state).toBe('open');
    return { target, sent: counting.sent };
  }

  it('claims no trial call in Redis once closed', async () => {
    const { target, sent } = await openWithBreakOver();
    await target.close();
    const before = sent();
    expect(target.enter(undefined)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent()).toBe(before);
  });

  it("reports no trial call's outcome to Redis once closed", async () => {
    const { target, sent } = await openWithBreakOver();
    expect(target.enter(undefined)).toBe(0);
    let ticket = 0;
    for (let tries = 0; tries < 100 && ticket === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ticket = target.enter(undefined);
    }
    expect(ticket).not.toBe(0);
    await target.close();
    const before = sent();
    target.failed(undefined, ticket, new Error('down'), ErrorCategory.NETWORK, 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent()).toBe(before);
  });

  it('sends nothing for sync() once closed', async () => {
    const { target, sent } = await openWithBreakOver();
    await target.close();
    const before = sent();
    await target.sync();
    expect(sent()).toBe(before);
  });
});

describe('awaited exchanges with a client that never answers', () => {
  it('keep the process alive until sync() and close() finish', async () => {
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const script = join(__dirname, 'fixtures/awaited-exchange-holds-process.ts');
    const { stdout } = await promisify(execFile)(tsx, [script], { timeout: 30_000 });
    expect(stdout.trim().split('\n')).toEqual([
      'first sync answered',
      'silent sync finished',
      'close finished',
    ]);
  });
});

describe('option redisTimeout', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient('ioredis');
  });
  afterAll(async () => {
    await client.close();
  });

  it('is refused above the longest timer Node keeps (2147483647 ms)', () => {
    expect(
      () => new RedisRetryBudget({ client: client.client, key: 'k', redisTimeout: 3e9 }),
    ).toThrow(/"redisTimeout".*3000000000/);
    expect(
      () => new RedisBreaker({ client: client.client, key: 'k', redisTimeout: 2_147_483_648 }),
    ).toThrow(RangeError);
    const longest = new RedisRetryBudget({
      client: client.client,
      key: 'k',
      redisTimeout: 2_147_483_647,
    });
    expect(longest).toBeInstanceOf(RedisRetryBudget);
  });
});

describe('sync() of an instance that has not exchanged yet', () => {
  afterEach(() => jest.useRealTimers());

  const kinds = [
    ['RedisRetryBudget', (client: RedisClientLike) => new RedisRetryBudget({ client, key: 'k' })],
    ['RedisBreaker', (client: RedisClientLike) => new RedisBreaker({ client, key: 'k' })],
    [
      'RedisRateLimiter',
      (client: RedisClientLike) =>
        new RedisRateLimiter({ client, key: 'k', limit: 10, interval: 1000 }),
    ],
  ] as const;

  it.each(kinds)(
    '%s: resolves after redisTimeout (50 ms) while Redis is silent',
    async (_, make) => {
      jest.useFakeTimers({ now: 1_000_000 });
      const silent = () => new Promise<never>(() => {});
      const policy = make({ evalsha: silent, eval: silent });
      let synced = false;
      void policy.sync().then(() => {
        synced = true;
      });
      await jest.advanceTimersByTimeAsync(50);
      expect(synced).toBe(true);
      expect(policy.fleetReachable).toBe(false);
      await policy.close();
    },
  );

  it.each(kinds)('%s: sends one script to Redis, not a second right after it', async (_, make) => {
    let scripts = 0;
    const failing = async () => {
      scripts += 1;
      throw new Error('Connection is closed.');
    };
    const policy = make({ evalsha: failing, eval: failing });
    await policy.sync();
    expect(scripts).toBe(1);
    await policy.close();
  });
});
