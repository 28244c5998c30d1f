// DESIGN 1c: while Redis is slow, an instance keeps deciding with local state within
// `redisTimeout`, 50 ms by default.
import { RedisRetryBudget } from '../../src/redis';
import { startLatencyProxy } from './latency-proxy';
import { connectClient, sharedRedisPort, uniqueKey } from './shared-redis';

describe.each(['ioredis', 'node-redis'] as const)('redisTimeout with %s', (kind) => {
  it('defaults to 50 ms: a reply 60 ms away is not waited for', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const slow = await connectClient(kind, proxy.port);
    const shared = new RedisRetryBudget({ client: slow.client, key: uniqueKey('default-timeout') });
    try {
      // Without added latency a round trip fits in 50 ms, though not always on a loaded machine:
      // a few tries, so that the first slow one does not fail the test.
      for (let tries = 0; tries < 5; tries++) {
        await shared.sync();
        if (shared.fleetReachable) break;
      }
      expect(shared.fleetReachable).toBe(true);
      proxy.delay = 30; // each way: a round trip of 60 ms
      const started = performance.now();
      await shared.sync();
      const waited = performance.now() - started;
      expect(shared.fleetReachable).toBe(false);
      expect(waited).toBeGreaterThanOrEqual(45);
    } finally {
      await shared.close();
      await slow.close();
      await proxy.close();
    }
  });
});
