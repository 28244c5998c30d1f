// One redis-server for the whole jest run (DESIGN 3), on a free loopback port, found by the tests
// through TENACIOUS_TEST_REDIS_PORT (workers inherit the environment). Without redis-server on the
// machine nothing starts, and the tests that need it say how to install it.
import { hasRedisServer, startRedisServer } from '../../examples/servers/redis-server';

export default async function startSharedRedis(): Promise<void> {
  if (!hasRedisServer()) return;
  const server = await startRedisServer();
  process.env.TENACIOUS_TEST_REDIS_PORT = String(server.port);
  (globalThis as { tenaciousRedisServer?: unknown }).tenaciousRedisServer = server;
}
