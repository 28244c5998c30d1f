// RedisBreaker against the run's redis-server (real clients of both kinds): the fleet's circuit
// opens for every instance, a quorum of instances is needed, half-open trial calls are shared,
// Redis that is slow or unreachable leaves each instance deciding alone, bad data reads as missing.
import { Breaker, BrokenCircuitError, withRetry } from '../../src';
import { ErrorCategory } from '../../src/classify/error-category';
import { RedisBreaker } from '../../src/redis';
import { startLatencyProxy } from './latency-proxy';
import { connectClient, sharedRedisPort, uniqueKey, type TestClient } from './shared-redis';

const breakers: RedisBreaker[] = [];
function breaker(
  client: TestClient,
  key: string,
  options: Partial<ConstructorParameters<typeof RedisBreaker>[0]> = {},
): RedisBreaker {
  const made = new RedisBreaker({
    client: client.client,
    key,
    minimumThroughput: 4,
    failureRatio: 0.5,
    breakDuration: 60_000,
    // Generous unless a test sets one: on a loaded machine an exchange must not time out where a
    // test asserts the fleet's view.
    redisTimeout: 1000,
    ...options,
  });
  breakers.push(made);
  return made;
}

const networkFailure = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** Reports `count` failed attempts through the breaker's own interface, as the pipeline does. */
function fail(target: Breaker, count: number): void {
  for (let index = 0; index < count; index++) {
    const ticket = target.enter(undefined);
    if (ticket !== 0) target.failed(undefined, ticket, networkFailure(), ErrorCategory.NETWORK, 0);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  it("opens for the whole fleet when the fleet's calls cross the threshold", async () => {
    const key = uniqueKey('open');
    const first = breaker(client, key);
    const second = breaker(client, key);
    await first.sync();
    await second.sync();
    expect(first).toBeInstanceOf(Breaker);
    // Two failures each: neither instance saw 4 calls, the fleet did.
    fail(first, 2);
    await first.sync();
    expect(first.state).toBe('closed');
    fail(second, 2);
    await second.sync();
    expect(second.state).toBe('open');
    await first.sync();
    expect(first.state).toBe('open');
    let called = 0;
    const refused = await withRetry(
      () => {
        called += 1;
      },
      { circuitBreaker: first },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BrokenCircuitError);
    expect((refused as BrokenCircuitError).retryAfter).toBeGreaterThan(50_000);
    expect(called).toBe(0);
  });

  it('waits for a quorum of instances to report failures before it opens', async () => {
    const key = uniqueKey('quorum');
    const first = breaker(client, key, { quorum: 2 });
    const second = breaker(client, key, { quorum: 2 });
    await first.sync();
    await second.sync();
    fail(first, 10);
    await first.sync();
    expect(first.fleetView).toMatchObject({
      state: 'closed',
      calls: 10,
      failures: 10,
      reporters: 1,
    });
    expect(first.state).toBe('closed');
    fail(second, 1);
    await second.sync();
    expect(second.state).toBe('open');
    await first.sync();
    expect(first.state).toBe('open');
  });

  it('sends halfOpenProbes trial calls for the whole fleet, and closes when they succeed', async () => {
    const key = uniqueKey('probes');
    const fleet = [0, 1, 2].map(() =>
      breaker(client, key, { breakDuration: 80, halfOpenProbes: 2 }),
    );
    for (const member of fleet) await member.sync();
    fail(fleet[0]!, 4);
    await fleet[0]!.sync();
    for (const member of fleet) await member.sync();
    expect(fleet.map((member) => member.state)).toEqual(['open', 'open', 'open']);
    await pause(90);
    // Every instance tries until two trial calls run, the claims answered in between.
    const trialTickets: [RedisBreaker, number][] = [];
    const tryEach = async () => {
      for (const member of fleet) {
        const ticket = member.enter(undefined);
        if (ticket !== 0) trialTickets.push([member, ticket]);
      }
      await pause(5);
    };
    for (let round = 0; round < 50 && trialTickets.length < 2; round++) await tryEach();
    expect(trialTickets).toHaveLength(2);
    expect(await client.command(['HGET', fleet[0]!.redisKey, 'claimed'])).toBe('2');
    // Any instance refuses a third caller, and says why.
    const idle = fleet.find((member) => !trialTickets.some(([holder]) => holder === member));
    const bystander = idle ?? fleet[0]!;
    await bystander.sync();
    expect(bystander.state).toBe('half-open');
    expect(bystander.enter(undefined)).toBe(0);
    expect(bystander.refusal(undefined).message).toMatch(
      /^the circuit is half-open and its trial calls are running; another is admitted in \d+ ms at the latest$/,
    );
    for (const [member, ticket] of trialTickets) member.succeeded(undefined, ticket, 0);
    await pause(20);
    for (const member of fleet) await member.sync();
    expect(fleet.map((member) => member.state)).toEqual(['closed', 'closed', 'closed']);
  });

  it('gives in toJSON() the fleet’s circuit it acts on, which a restarted Breaker resumes', async () => {
    const key = uniqueKey('snapshot');
    const options = {
      minimumThroughput: 4,
      failureRatio: 0.5,
      breakDuration: { initial: 60_000, max: 600_000, exponentialBase: 2 },
    };
    const first = breaker(client, key, options);
    const second = breaker(client, key, options);
    await first.sync();
    await second.sync();
    fail(second, 2);
    await second.sync();
    await first.sync();
    // The fleet's counts, not the instance's (it saw none).
    expect(first.toJSON()).toMatchObject({ state: 'closed', calls: 2, failures: 2 });
    fail(second, 2);
    await second.sync();
    await first.sync();
    expect(first.state).toBe('open');
    const snapshot = first.toJSON();
    expect(snapshot).toMatchObject({ state: first.state, opens: 1, isolated: false, keys: [] });
    expect(snapshot.breakEndsAt).toBeGreaterThan(Date.now() + 50_000);
    expect(snapshot.breakEndsAt).toBeLessThanOrEqual(Date.now() + 60_000);
    const restarted = new Breaker({
      ...options,
      initialState: JSON.parse(JSON.stringify(snapshot)) as typeof snapshot,
    });
    expect(restarted.state).toBe('open');
    expect(restarted.enter(undefined)).toBe(0);
    expect(restarted.remainingBreak(undefined)).toBeGreaterThan(50_000);
  });

  it('says open in state and toJSON() while it honours the fleet’s break without Redis', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const lost = await connectClient(kind, proxy.port);
    try {
      const key = uniqueKey('honoured');
      const target = breaker(lost, key, { redisTimeout: 50 });
      const other = breaker(client, key);
      await target.sync();
      await other.sync();
      fail(other, 4);
      await other.sync();
      await target.sync();
      expect(target.fleetView?.state).toBe('open');
      await proxy.close();
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      // Its own breaker saw no failure; it refuses calls by the break the fleet was known to be in.
      expect(target.enter(undefined)).toBe(0);
      expect(target.state).toBe('open');
      expect(target.toJSON()).toMatchObject({ state: 'open', opens: 1 });
      expect(target.toJSON().breakEndsAt).toBe(target.fleetView?.waitEndsAt);
    } finally {
      await lost.close();
    }
  });

  it('reads a key of the wrong type or garbage in its fields as missing', async () => {
    const key = uniqueKey('garbage');
    const target = breaker(client, key);
    await client.command(['SET', target.redisKey, 'not a hash']);
    await client.command(['LPUSH', `${target.redisKey}:reporters`, 'x']);
    await target.sync();
    expect(target.fleetReachable).toBe(true);
    expect(target.state).toBe('closed');
    await client.command(['DEL', target.redisKey]);
    await client.command([
      'HSET',
      target.redisKey,
      'state',
      'sideways',
      'breakEndsAt',
      'soon',
      'opens',
      'x',
    ]);
    await client.command(['HSET', `${target.redisKey}:window`, 'f1', 'many', 'zz', '1']);
    await target.sync();
    expect(target.fleetView).toMatchObject({ state: 'closed', calls: 0, failures: 0 });
    fail(target, 4);
    await target.sync();
    expect(target.state).toBe('open');
  });

  it('reads negative counts in its state as missing, never as trial calls to spare', async () => {
    const key = uniqueKey('negative');
    const fleet = [0, 1, 2].map(() => breaker(client, key, { halfOpenProbes: 1 }));
    await fleet[0]!.sync();
    await client.command([
      'HSET',
      fleet[0]!.redisKey,
      'state',
      'half-open',
      'halfOpenSince',
      String(Date.now()),
      'claimed',
      '-5',
      'successes',
      '-5',
    ]);
    for (const member of fleet) await member.sync();
    expect(fleet.map((member) => [member.fleetReachable, member.state])).toEqual([
      [true, 'half-open'],
      [true, 'half-open'],
      [true, 'half-open'],
    ]);
    // Every instance tries, the claims answered in between: one trial call for the fleet.
    let trialCalls = 0;
    for (let round = 0; round < 10; round++) {
      for (const member of fleet) if (member.enter(undefined) !== 0) trialCalls += 1;
      await pause(5);
    }
    expect(trialCalls).toBe(1);
  });

  it('reads a negative run of failures in its state as missing, and still opens', async () => {
    const key = uniqueKey('negative-run');
    const target = new RedisBreaker({
      client: client.client,
      key,
      consecutiveFailures: 2,
      breakDuration: 60_000,
      redisTimeout: 1000,
    });
    breakers.push(target);
    await target.sync();
    await client.command(['HSET', target.redisKey, 'consecutive', '-1000']);
    fail(target, 2);
    await target.sync();
    expect(target.fleetReachable).toBe(true);
    expect(target.fleetView?.state).toBe('open');
  });

  it('counts no reporter timed in the future toward its quorum, which would never leave the set', async () => {
    const key = uniqueKey('ghost');
    const target = breaker(client, key, { quorum: 2 });
    await target.sync();
    // Another program's member, timed a million years ahead: no instance wrote it, and it would
    // never leave the set.
    await client.command(['ZADD', `${target.redisKey}:reporters`, '3e16', 'ghost']);
    fail(target, 10);
    await target.sync();
    expect(target.fleetView).toMatchObject({ state: 'closed', failures: 10, reporters: 1 });
  });

  it('counts a reporter timed a little ahead, as after the server’s clock stepped back', async () => {
    const key = uniqueKey('stepped-back');
    const target = breaker(client, key, { quorum: 2 });
    await target.sync();
    // Another instance's report, timed 5 s ahead of the server's clock now (a failover to a replica
    // whose clock is behind): within one sampling duration, so it is an instance's, and counts.
    const [seconds] = (await client.command(['TIME'])) as [string, string];
    const ahead = Number(seconds) * 1000 + 5000;
    await client.command(['ZADD', `${target.redisKey}:reporters`, String(ahead), 'peer']);
    fail(target, 10);
    await target.sync();
    // Two reporters meet the quorum: the circuit opens (and its reporters start afresh).
    expect(target.fleetView?.state).toBe('open');
  });

  it('decides alone while Redis is slow or unreachable, honouring the break it knew of', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const slow = await connectClient(kind, proxy.port);
    try {
      const key = uniqueKey('alone');
      const target = breaker(slow, key, { redisTimeout: 30, breakDuration: 60_000 });
      // 30 ms is short on a loaded machine: exchange until one answers in time.
      for (let tries = 0; tries < 50 && !target.fleetReachable; tries++) await target.sync();
      expect(target.fleetReachable).toBe(true);
      proxy.delay = 80;
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      // Alone: its own Breaker, which a call goes through without waiting for Redis.
      await expect(withRetry(() => 'answered', { circuitBreaker: target })).resolves.toBe(
        'answered',
      );
      fail(target, 4);
      expect(target.state).toBe('open');
      proxy.delay = 0;
      for (let tries = 0; tries < 50 && !target.fleetReachable; tries++) {
        await pause(20);
        await target.sync();
      }
      // Back with the fleet, whose circuit is closed.
      expect(target.fleetReachable).toBe(true);
      expect(target.state).toBe('closed');
      await expect(withRetry(() => 'again', { circuitBreaker: target })).resolves.toBe('again');
      // The fleet opens; then Redis goes away: the break it knew of still holds.
      fail(target, 4);
      await target.sync();
      expect(target.state).toBe('open');
      await proxy.close();
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      await expect(withRetry(() => 'no', { circuitBreaker: target })).rejects.toBeInstanceOf(
        BrokenCircuitError,
      );
    } finally {
      await slow.close();
      await proxy.close();
    }
  });
});

describe('RedisBreaker options', () => {
  const client = { evalSha: async () => null, eval: async () => null };
  it.each([
    [{ key: 'k' }, /RedisBreaker: option "client"/],
    [
      { client, key: 'k', quorum: 0 },
      /RedisBreaker: option "quorum" must be an integer >= 1, got 0/,
    ],
    [{ client, key: 'k', key_: 1 }, /unknown option "key_"/],
    [
      { client, key: 'k', slowCallDuration: 10, slowCallRatio: 0.5 },
      /option "slowCallDuration" is not supported/,
    ],
    [{ client, key: 'k', failureRatio: 2 }, /option "failureRatio"/],
  ])('refuses %p', (options, message) => {
    expect(() => new RedisBreaker(options as never)).toThrow(message);
  });
});
