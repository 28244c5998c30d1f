// What RedisBreaker's close() gives back to the fleet: a trial call's place it claimed and never
// used, so that the fleet's half-open circuit is not held for a whole break by an instance gone.
import { RedisBreaker } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['ioredis', 'node-redis'] as const)('RedisBreaker.close() with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  function breakerOptions(key: string) {
    const options = { consecutiveFailures: 1, breakDuration: 60_000, halfOpenProbes: 1 };
    return { client: client.client, key, redisTimeout: 1000, ...options };
  }

  // The fleet's circuit half-open, its one trial call not claimed yet (a start in the future
  // reads as now).
  async function startHalfOpenRound(redisKey: string): Promise<void> {
    await client.command([
      'HSET',
      redisKey,
      'state',
      'half-open',
      'opens',
      '1',
      'halfOpenSince',
      '9000000000000000',
      'claimed',
      '0',
      'round',
      '7',
    ]);
  }

  it("gives back the trial call's place it claimed and did not use", async () => {
    const options = breakerOptions(uniqueKey('close-probe'));
    const leaving = new RedisBreaker(options);
    const staying = new RedisBreaker(options);
    try {
      await startHalfOpenRound(leaving.redisKey);
      await leaving.sync();
      expect(leaving.state).toBe('half-open');
      expect(leaving.enter(undefined)).toBe(0); // refused; the place is claimed in the background
      for (let tries = 0; tries < 100; tries++) {
        if ((await client.command(['HGET', leaving.redisKey, 'claimed'])) === '1') break;
        await pause(2);
      }
      expect(await client.command(['HGET', leaving.redisKey, 'claimed'])).toBe('1');
      await pause(5); // the claim's reply reaches the instance
      await leaving.close();
      expect(await client.command(['HGET', leaving.redisKey, 'claimed'])).toBe('0');

      await staying.sync();
      let ticket = 0;
      for (let tries = 0; tries < 50 && ticket === 0; tries++) {
        ticket = staying.enter(undefined);
        if (ticket === 0) await pause(5);
      }
      expect(ticket).not.toBe(0);
      staying.cancelled(undefined, ticket);
    } finally {
      await Promise.all([leaving.close(), staying.close()]);
    }
  });

  it('waits for a claim still in flight, and gives back the place it was granted', async () => {
    const breaker = new RedisBreaker(breakerOptions(uniqueKey('close-claim-in-flight')));
    try {
      await startHalfOpenRound(breaker.redisKey);
      await breaker.sync();
      expect(breaker.enter(undefined)).toBe(0); // refused; the claim is sent now
      await breaker.close(); // before the claim's reply has come back
      expect(await client.command(['HGET', breaker.redisKey, 'claimed'])).toBe('0');
    } finally {
      await breaker.close();
    }
  });
});
