// DESIGN 1b and 1d for a RedisBreaker: a state change the fleet decided (another instance's
// failures opened the circuit) reaches this instance's onStateChange and tenacious:circuit-state,
// as a local one does.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HttpError, withRetry, type CircuitStateMessage } from '../../src';
import { RedisBreaker } from '../../src/redis';
import { connectClient, uniqueKey, type TestClient } from './shared-redis';

describe.each(['ioredis', 'node-redis'] as const)('RedisBreaker with %s', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  it("reports the fleet's opening on this instance, though its own calls never failed", async () => {
    const key = uniqueKey('fleet-state-change');
    const options = {
      client: client.client,
      key,
      consecutiveFailures: 1,
      breakDuration: 60_000,
      redisTimeout: 1000,
    };
    const changes: string[] = [];
    const watched = new RedisBreaker({
      ...options,
      onStateChange: ({ from, to }) => changes.push(`onStateChange ${from} -> ${to}`),
    });
    const failing = new RedisBreaker(options);
    const published: string[] = [];
    const listener = (message: unknown) => {
      const { breaker, from, to } = message as CircuitStateMessage;
      if (breaker === watched) published.push(`published ${from} -> ${to}`);
    };
    subscribe('tenacious:circuit-state', listener);
    try {
      await watched.sync();
      await failing.sync();
      await expect(
        withRetry(
          () => {
            throw new HttpError(503);
          },
          { circuitBreaker: failing, maxAttempts: 1 },
        ),
      ).rejects.toBeInstanceOf(HttpError);
      await failing.sync();
      await watched.sync();
      expect(watched.state).toBe('open');
      expect(changes).toEqual(['onStateChange closed -> open']);
      expect(published).toEqual(['published closed -> open']);
    } finally {
      unsubscribe('tenacious:circuit-state', listener);
      await watched.close();
      await failing.close();
    }
  });
});
