// What a fleet-wide policy does when Redis stops answering after it has seen the fleet: it decides
// locally (DESIGN 1c), and never fails a call because of Redis.
import { RateLimit } from '../../src';
import { RedisRateLimiter } from '../../src/redis';

/** A client whose replies the test scripts: `reply` while `up`, a rejection otherwise. */
function scriptedClient(reply: unknown) {
  const state = { up: true };
  const answer = async () => {
    if (!state.up) throw new Error('Connection is closed.');
    return reply;
  };
  return { state, client: { evalsha: answer, eval: answer } };
}

describe('RedisRateLimiter with Redis lost after seeing more instances than its limit', () => {
  it('keeps deciding locally, at a share below one unit, without throwing', async () => {
    // Four instances share a limit of 2 per second: each one's share is half a unit.
    const { state, client } = scriptedClient(['0', '0', '4']);
    const limiter = new RedisRateLimiter({ client, key: 'share', limit: 2, interval: 1000 });
    try {
      await limiter.sync();
      expect(limiter.fleetView?.instances).toBe(4);
      state.up = false;
      await limiter.sync();
      expect(limiter.fleetReachable).toBe(false);
      const now = Date.now();
      expect(() => limiter.tryAcquire(1, 0, now)).not.toThrow();
    } finally {
      await limiter.close();
    }
  });

  it('never fails a decorated call with a RangeError of its own making', async () => {
    const { state, client } = scriptedClient(['0', '0', '3']);
    const limiter = new RedisRateLimiter({
      client,
      key: 'share-call',
      limit: 2,
      interval: 1000,
      maxWait: 0,
    });
    class Model {
      @RateLimit(limiter)
      async invoke(): Promise<string> {
        return 'ok';
      }
    }
    try {
      await limiter.sync();
      state.up = false;
      await limiter.sync();
      await expect(new Model().invoke()).resolves.toBe('ok');
    } finally {
      await limiter.close();
    }
  });
});
