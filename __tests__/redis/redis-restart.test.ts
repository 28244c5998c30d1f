// Redis killed in the middle of a run and started again. This file starts a redis-server of its
// own, the only one besides the run's shared server: killing the shared one would pull it from
// under the other test files that run at the same time.
import { withRetry } from '../../src';
import { RedisBreaker, RedisRetryBudget } from '../../src/redis';
import { startRedisServer, type RedisServer } from '../../examples/servers/redis-server';
import { connectClient, uniqueKey } from './shared-redis';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Syncs both until each reaches the fleet, 20 ms apart, at most 100 times. */
async function syncUntilReachable(budget: RedisRetryBudget, breaker: RedisBreaker): Promise<void> {
  await budget.sync();
  await breaker.sync();
  for (let tries = 0; tries < 100 && !(budget.fleetReachable && breaker.fleetReachable); tries++) {
    await pause(20);
    await budget.sync();
    await breaker.sync();
  }
}

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

it.each(['ioredis', 'node-redis'] as const)(
  'keeps calls working while Redis is down, and rejoins the fleet when it is back (%s)',
  async (kind) => {
    const connection = await connectClient(kind, server.port);
    const key = uniqueKey('restart');
    // 100 ms: each exchange while the server is away waits this long. On a loaded machine an
    // exchange with the live server may take longer: the first sync below is repeated until the
    // fleet is reached.
    const redisTimeout = 100;
    const budget = new RedisRetryBudget({
      client: connection.client,
      key,
      ratio: 0,
      minPerSecond: 1,
      redisTimeout,
    });
    // Half the attempts fail: below this breaker's ratio, so the fleet's circuit stays closed.
    const breaker = new RedisBreaker({
      client: connection.client,
      key,
      minimumThroughput: 4,
      failureRatio: 0.8,
      redisTimeout,
    });
    try {
      await syncUntilReachable(budget, breaker);
      expect([budget.fleetReachable, breaker.fleetReachable]).toEqual([true, true]);

      await server.stop(true); // SIGKILL: gone, as in a crash
      let attempts = 0;
      const call = () =>
        withRetry(
          () => {
            attempts += 1;
            if (attempts % 2 === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
            return 'answered';
          },
          { maxAttempts: 2, delays: [0], budget, circuitBreaker: breaker },
        );
      for (let index = 0; index < 5; index++) await expect(call()).resolves.toBe('answered');
      await budget.sync();
      await breaker.sync();
      expect([budget.fleetReachable, breaker.fleetReachable]).toEqual([false, false]);
      await expect(call()).resolves.toBe('answered');

      server = await startRedisServer(server.port);
      await syncUntilReachable(budget, breaker);
      expect([budget.fleetReachable, breaker.fleetReachable]).toEqual([true, true]);
      // The new server's window holds the retries made while it was away (sent on rejoining).
      expect(budget.fleetView?.retries).toBeGreaterThanOrEqual(6);
      expect(breaker.state).toBe('closed');
      await expect(call()).resolves.toBe('answered');
    } finally {
      await budget.close();
      await breaker.close();
      await connection.close();
    }
  },
);
