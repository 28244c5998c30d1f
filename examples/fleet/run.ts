// npm run fleet: a fleet of instances (one Node process each) calls a dependency that is down,
// first with a RetryBudget per process, then with one RedisRetryBudget for the fleet, and prints
// the amplification (requests the dependency received per call made) side by side. Starts its own
// redis-server (Debian's: apt-get install -y redis-server).
import { startRedisServer } from '../servers/redis-server';
import { runFleet, type FleetSettings } from './fleet';

async function main(): Promise<void> {
  const redis = await startRedisServer();
  try {
    const base: Omit<FleetSettings, 'budget'> = {
      instances: Number(process.env.FLEET_INSTANCES ?? 4),
      redisPort: redis.port,
      client: process.env.FLEET_CLIENT === 'node-redis' ? 'node-redis' : 'ioredis',
      key: `fleet-demo-${Date.now()}`,
      calls: 40,
      ratio: 0.1,
      minPerSecond: 0.5,
      maxAttempts: 5,
    };
    console.log(
      `${base.instances} instances x ${base.calls} calls, up to ${base.maxAttempts} attempts each, ` +
        `budget ratio ${base.ratio} + ${base.minPerSecond * 60} retries per 60 s window; the dependency answers 503`,
    );
    const local = await runFleet({ ...base, budget: 'local' });
    const shared = await runFleet({ ...base, budget: 'shared' });
    const row = (label: string, run: typeof local) =>
      `${label.padEnd(34)}${String(run.calls).padStart(6)}${String(run.requests).padStart(10)}${(run.requests / run.calls).toFixed(2).padStart(15)}x`;
    console.log(
      `${''.padEnd(34)}${'calls'.padStart(6)}${'requests'.padStart(10)}${'amplification'.padStart(16)}`,
    );
    console.log(row('a RetryBudget per instance', local));
    console.log(row('one RedisRetryBudget for the fleet', shared));
    for (const [index, report] of shared.reports.entries()) {
      console.log(
        `  instance ${index + 1} (shared): ${report.retries} retries, ${report.refused} refused`,
      );
    }
  } finally {
    await redis.stop();
  }
}

void main();
