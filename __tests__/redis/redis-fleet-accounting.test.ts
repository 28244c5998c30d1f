// Units a fleet-wide policy must account for on the right side: a lease granted by a reply that
// came after `redisTimeout`.
import { RedisRateLimiter } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

/**
 * The test's client, whose script replies can be held back (the command reaches Redis at once,
 * its reply is delivered when the test lets it go) or refused (Redis lost).
 */
function controlledClient(underlying: TestClient) {
  const real = underlying.client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const control = {
    down: false,
    held: [] as Array<() => void>,
    holding: false,
    /** Delivers every reply held back so far. */
    letGo(): void {
      control.holding = false;
      for (const deliver of control.held.splice(0)) deliver();
    },
  };
  const through =
    (name: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      if (control.down) throw new Error('Connection is closed.');
      const reply = real[name]!(...args) as Promise<unknown>;
      if (!control.holding) return reply;
      const answered = await reply;
      if (control.holding) await new Promise<void>((resolve) => control.held.push(resolve));
      return answered;
    };
  const client =
    underlying.kind === 'ioredis'
      ? { evalsha: through('evalsha'), eval: through('eval') }
      : { evalSha: through('evalSha'), eval: through('eval') };
  return { control, client };
}

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

  it('gives back to the fleet the lease of a reply that came after redisTimeout', async () => {
    const key = uniqueKey('late-lease');
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
    await shared.sync(); // charges the 20 used, leases 20 more: the reply comes after 50 ms
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
});
