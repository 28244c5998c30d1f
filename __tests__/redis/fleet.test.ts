// Several instances, each a Node process of its own, call a dependency that is down. Each call may
// make up to 3 retries. With a RetryBudget per process, every process spends its own allowance;
// with one RedisRetryBudget the fleet stays within one allowance. The dependency's own count of
// requests is what is asserted.
import { runFleet, type FleetSettings } from '../../examples/fleet/fleet';
import { sharedRedisPort, uniqueKey } from './shared-redis';

const instances = 3;
const callsPerInstance = 30;
const ratio = 0.1;
const minPerSecond = 0.5; // the window is 60 s: a flat allowance of 30 retries

function settings(budget: 'local' | 'shared', client: FleetSettings['client']): FleetSettings {
  return {
    instances,
    redisPort: sharedRedisPort(),
    client,
    budget,
    key: uniqueKey('fleet'),
    calls: callsPerInstance,
    ratio,
    minPerSecond,
    maxAttempts: 4,
  };
}

const calls = instances * callsPerInstance;
const flatAllowance = minPerSecond * 60;

describe('a fleet of processes calling a dependency that is down', () => {
  it('spends one allowance per process with local budgets', async () => {
    const run = await runFleet(settings('local', 'ioredis'));
    expect(run.calls).toBe(calls);
    // Each process: retries < ratio x its calls + the flat allowance, and it uses them all.
    const perProcess = Math.ceil(ratio * callsPerInstance + flatAllowance);
    expect(run.requests).toBeGreaterThanOrEqual(calls + instances * (perProcess - 1));
  });

  it.each(['ioredis', 'node-redis'] as const)(
    'stays within one allowance for the whole fleet with a RedisRetryBudget (%s)',
    async (client) => {
      const run = await runFleet(settings('shared', client));
      expect(run.calls).toBe(calls);
      // The bound RedisRetryBudget states: the rule for the fleet's totals, plus one retry per
      // instance, plus ratio x the calls of the last exchange interval (at most all of them).
      const bound = calls + ratio * calls + flatAllowance + instances + ratio * calls;
      expect(run.requests).toBeLessThanOrEqual(bound);
      expect(run.requests).toBeGreaterThan(calls + flatAllowance / 2);
      const localFleet =
        calls + instances * Math.ceil(ratio * callsPerInstance + flatAllowance - 1);
      expect(bound).toBeLessThan(localFleet);
    },
  );
});

describe('a fleet of processes sharing one rate limit', () => {
  // A quota of 20 a minute, and 30 calls per process: what passes is the burst, which local
  // limiters give each process in full and the fleet's GCRA gives the fleet once.
  const limit = 20;
  const interval = 60_000;
  function limited(kind: 'local' | 'shared', client: FleetSettings['client']): FleetSettings {
    return { ...settings(kind, client), limiter: { limit, interval } };
  }
  // The bound RedisRateLimiter states: the fleet's GCRA (limit + limit per interval elapsed), plus
  // one limit spent from shares of stale views.
  const sharedBound = (elapsed: number) => 2 * limit + (limit * elapsed) / interval;

  it('lets each process spend the whole limit with local limiters', async () => {
    const run = await runFleet(limited('local', 'ioredis'));
    expect(run.requests).toBeGreaterThanOrEqual(instances * limit);
    expect(run.requests).toBeGreaterThan(sharedBound(run.elapsed));
  });

  it.each(['ioredis', 'node-redis'] as const)(
    'keeps the fleet within one limit with a RedisRateLimiter (%s)',
    async (client) => {
      const run = await runFleet(limited('shared', client));
      expect(run.requests).toBeLessThanOrEqual(sharedBound(run.elapsed));
      expect(run.requests).toBeGreaterThanOrEqual(limit / 2);
      expect(run.reports.reduce((sum, report) => sum + report.refused, 0)).toBeGreaterThan(0);
    },
  );
});
