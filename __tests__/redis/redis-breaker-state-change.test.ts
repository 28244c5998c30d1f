// DESIGN 1b and 1d for a RedisBreaker: a state change the fleet decided (another instance's
// failures opened the circuit) reaches this instance's onStateChange and tenacious:circuit-state,
// as a local one does.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { HttpError, stats, withRetry, type CircuitStateMessage } from '../../src';
import { ErrorCategory } from '../../src/classify/error-category';
import { RedisBreaker } from '../../src/redis';
import { startLatencyProxy } from './latency-proxy';
import {
  connectClient,
  controlledClient,
  sharedRedisPort,
  uniqueKey,
  type TestClient,
} from './shared-redis';

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

// DESIGN 1b for the circuit `state` reports: switching between the fleet's view and the local
// Breaker (Redis lost or back, a fleet break honoured without Redis ending) is a state change too.
describe.each(['ioredis', 'node-redis'] as const)('RedisBreaker with %s switching', (kind) => {
  let client: TestClient;
  beforeAll(async () => {
    client = await connectClient(kind);
  });
  afterAll(async () => {
    await client.close();
  });

  const networkFailure = () =>
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  function fail(target: RedisBreaker, count: number): void {
    for (let index = 0; index < count; index++) {
      const ticket = target.enter(undefined);
      if (ticket !== 0) {
        target.failed(undefined, ticket, networkFailure(), ErrorCategory.NETWORK, 0);
      }
    }
  }

  /** What reached `tenacious:circuit-state` (published first) and `onStateChange`, in order. */
  function watch(): {
    changes: string[];
    onStateChange: (change: { from: string; to: string }) => void;
    stop: () => void;
    watching: (breaker: RedisBreaker) => void;
  } {
    const changes: string[] = [];
    let watched: RedisBreaker | undefined;
    const listener = (message: unknown) => {
      const { breaker, from, to } = message as CircuitStateMessage;
      if (breaker === watched) changes.push(`published ${from} -> ${to}`);
    };
    subscribe('tenacious:circuit-state', listener);
    return {
      changes,
      onStateChange: ({ from, to }) => changes.push(`${from} -> ${to}`),
      stop: () => unsubscribe('tenacious:circuit-state', listener),
      watching: (breaker) => {
        watched = breaker;
      },
    };
  }

  it('reports the end of a fleet break honoured without Redis at the next enter()', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const lost = await connectClient(kind, proxy.port);
    const seen = watch();
    const options = {
      key: uniqueKey('honoured-ends'),
      consecutiveFailures: 1,
      breakDuration: 60_000,
    };
    const target = new RedisBreaker({
      ...options,
      client: lost.client,
      redisTimeout: 50,
      onStateChange: seen.onStateChange,
    });
    seen.watching(target);
    const other = new RedisBreaker({ ...options, client: client.client, redisTimeout: 1000 });
    try {
      await target.sync();
      await other.sync();
      fail(other, 1);
      await other.sync();
      await target.sync();
      expect(target.state).toBe('open');
      await proxy.close();
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      // The break it knew of is honoured: still open, nothing to report.
      expect(target.state).toBe('open');
      expect(seen.changes).toEqual(['published closed -> open', 'closed -> open']);
      const clock = jest.spyOn(Date, 'now').mockReturnValue(target.fleetView!.waitEndsAt + 1);
      try {
        expect(target.enter(undefined)).not.toBe(0);
        expect(target.state).toBe('closed');
        expect(target.enter(undefined)).not.toBe(0);
      } finally {
        clock.mockRestore();
      }
      expect(seen.changes).toEqual([
        'published closed -> open',
        'closed -> open',
        'published open -> closed',
        'open -> closed',
      ]);
    } finally {
      seen.stop();
      await target.close();
      await other.close();
      await lost.close();
      await proxy.close();
    }
  });

  it('reports a switch between its own breaker and the fleet’s view at the exchange’s result', async () => {
    const proxy = await startLatencyProxy(sharedRedisPort());
    const lost = await connectClient(kind, proxy.port);
    const seen = watch();
    const target = new RedisBreaker({
      client: lost.client,
      key: uniqueKey('switching'),
      consecutiveFailures: 2,
      breakDuration: 60_000,
      redisTimeout: 200,
      onStateChange: seen.onStateChange,
    });
    seen.watching(target);
    try {
      // No view yet: its own breaker decides, and opens.
      fail(target, 2);
      expect(seen.changes).toEqual(['published closed -> open', 'closed -> open']);
      // The fleet's circuit, closed, is the one it acts on now.
      await target.sync();
      expect(target.fleetReachable).toBe(true);
      expect(target.state).toBe('closed');
      expect(seen.changes.slice(2)).toEqual(['published open -> closed', 'open -> closed']);
      // Redis gone: its own breaker, still open, decides again.
      await proxy.close();
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      expect(target.state).toBe('open');
      expect(seen.changes.slice(4)).toEqual(['published closed -> open', 'closed -> open']);
      expect(target.enter(undefined)).toBe(0);
      expect(seen.changes).toHaveLength(6);
      // Three changes told, of one opening: its own breaker's.
      expect(stats(target)).toMatchObject({ opened: 1, stateChanges: 3 });
    } finally {
      seen.stop();
      await target.close();
      await lost.close();
      await proxy.close();
    }
  });

  it('ignores a report, back on the fleet, of an attempt its own breaker admitted', async () => {
    const { control: redis, client: switched } = controlledClient(client);
    const seen = watch();
    redis.down = true;
    const target = new RedisBreaker({
      client: switched,
      key: uniqueKey('late-local-report'),
      consecutiveFailures: 1,
      breakDuration: 60_000,
      redisTimeout: 1000,
      onStateChange: seen.onStateChange,
    });
    seen.watching(target);
    try {
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      const ticket = target.enter(undefined);
      expect(ticket).not.toBe(0);
      redis.down = false;
      await target.sync();
      expect(target.fleetReachable).toBe(true);
      // Its own breaker would open on this failure, though the breaker acts on the fleet's.
      target.failed(undefined, ticket, networkFailure(), ErrorCategory.NETWORK, 0);
      expect(target.state).toBe('closed');
      expect(seen.changes).toEqual([]);
      expect(stats(target)).toMatchObject({ failures: 0, opened: 0, stateChanges: 0 });
      // Redis lost again: its own breaker decides, as it was when the breaker rejoined the fleet.
      redis.down = true;
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      expect(target.state).toBe('closed');
      expect(target.enter(undefined)).not.toBe(0);
      expect(seen.changes).toEqual([]);
    } finally {
      seen.stop();
      await target.close();
    }
  });

  it('starts a new round of its own trial calls when it rejoins the fleet meanwhile', async () => {
    const { control: redis, client: switched } = controlledClient(client);
    const seen = watch();
    redis.down = true;
    const target = new RedisBreaker({
      client: switched,
      key: uniqueKey('late-local-trial'),
      consecutiveFailures: 1,
      breakDuration: 60_000,
      halfOpenProbes: 1,
      redisTimeout: 1000,
      onStateChange: seen.onStateChange,
    });
    seen.watching(target);
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
    try {
      await target.sync();
      expect(target.fleetReachable).toBe(false);
      fail(target, 1);
      clock.mockReturnValue(start + 60_000);
      const trial = target.enter(undefined);
      expect(trial).not.toBe(0);
      expect(target.state).toBe('half-open');
      expect(target.enter(undefined)).toBe(0);
      redis.down = false;
      await target.sync();
      expect(target.state).toBe('closed');
      const heard = [
        'published closed -> open',
        'closed -> open',
        'published open -> half-open',
        'open -> half-open',
        'published half-open -> closed',
        'half-open -> closed',
      ];
      expect(seen.changes).toEqual(heard);
      // Its own breaker would close on this success, though the breaker acts on the fleet's.
      target.succeeded(undefined, trial, 0);
      expect(seen.changes).toEqual(heard);
      redis.down = true;
      await target.sync();
      expect(target.state).toBe('half-open');
      // The trial call whose report was ignored does not hold its own breaker's round.
      expect(target.enter(undefined)).not.toBe(0);
      expect(target.enter(undefined)).toBe(0);
      expect(seen.changes.slice(heard.length)).toEqual([
        'published closed -> half-open',
        'closed -> half-open',
      ]);
    } finally {
      clock.mockRestore();
      seen.stop();
      await target.close();
    }
  });

  it('counts the fleet’s opening once when it reports it again after an isolation', async () => {
    const seen = watch();
    const options = {
      client: client.client,
      key: uniqueKey('opening-once'),
      consecutiveFailures: 1,
      breakDuration: 60_000,
      redisTimeout: 1000,
    };
    const target = new RedisBreaker({ ...options, onStateChange: seen.onStateChange });
    seen.watching(target);
    const other = new RedisBreaker(options);
    try {
      await target.sync();
      await other.sync();
      fail(other, 1);
      await other.sync();
      await target.sync();
      expect(target.state).toBe('open');
      expect(stats(target)).toMatchObject({ opened: 1, stateChanges: 1 });
      const release = target.isolate();
      release();
      expect(target.state).toBe('open');
      expect(seen.changes.filter((change) => !change.startsWith('published'))).toEqual([
        'closed -> open',
        'open -> isolated',
        'isolated -> closed',
        'closed -> open',
      ]);
      // The fleet's circuit opened once; its break goes on.
      expect(stats(target)).toMatchObject({ opened: 1, stateChanges: 4 });
    } finally {
      seen.stop();
      await target.close();
      await other.close();
    }
  });
});
