// An invalid option given to a fleet-wide class is refused with a message that names that class,
// not the local class it extends: the user wrote `new RedisRateLimiter(...)`, not
// `new RateLimiter(...)`. Refused before any exchange, so a client by shape is enough.
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';

const refusedByRedis = () => Promise.reject(new Error('no Redis in this test'));
const client = { evalsha: refusedByRedis, eval: refusedByRedis };

describe('fleet-wide classes name themselves in option errors', () => {
  it.each([
    [
      'RedisRetryBudget',
      () => new RedisRetryBudget({ client, key: 'k', ratio: -1 }),
      /^RedisRetryBudget: option "ratio" must be a finite number >= 0, got -1$/,
    ],
    [
      'RedisBreaker',
      () => new RedisBreaker({ client, key: 'k', failureRatio: 2 }),
      /^RedisBreaker: option "failureRatio" must be a finite number > 0 and <= 1, got 2$/,
    ],
    [
      'RedisRateLimiter',
      () => new RedisRateLimiter({ client, key: 'k', limit: 0, interval: 1000 }),
      /^new RedisRateLimiter: option "limit" must be a finite number > 0, got 0$/,
    ],
  ])('%s', (_name, construct, message) => {
    expect(construct).toThrow(message);
  });
});
