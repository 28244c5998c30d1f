import type { RedisServer } from '../../examples/servers/redis-server';

export default async function stopSharedRedis(): Promise<void> {
  const server = (globalThis as { tenaciousRedisServer?: RedisServer }).tenaciousRedisServer;
  await server?.stop();
}
