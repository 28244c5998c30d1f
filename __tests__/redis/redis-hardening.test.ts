// Fleet-wide policies against the run's redis-server when the data or the client misbehaves:
// garbage times in the breaker's state, awaited exchanges with a silent client, an out-of-range
// redisTimeout, and nothing sent to Redis after close().
import { RedisBreaker, RedisRetryBudget } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

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
