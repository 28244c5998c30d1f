/**
 * `tenacious/redis`: a retry budget, a circuit breaker and a rate limiter whose state a whole fleet
 * shares through Redis (DESIGN 1c). Works with an `ioredis` or a `redis` (node-redis) client,
 * optional peer dependencies that this entry point never imports: the client is handed in and used
 * by its shape.
 */
import './polyfill';

export {
  RedisRetryBudget,
  type RedisRetryBudgetOptions,
} from './integrations/redis/redis-retry-budget';
export { RedisBreaker, type RedisBreakerOptions } from './integrations/redis/redis-breaker';
export {
  RedisRateLimiter,
  type RedisRateLimiterOptions,
} from './integrations/redis/redis-rate-limiter';
export type { RedisConnectionOptions } from './integrations/redis/options';
export type {
  IoredisLikeClient,
  NodeRedisLikeClient,
  RedisClientLike,
} from './integrations/redis/client-adapter';
