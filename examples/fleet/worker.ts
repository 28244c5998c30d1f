// One instance of a fleet, in its own process (forked by examples/fleet/fleet.ts): it makes calls
// to a dependency that is down, under a local RetryBudget or a RedisRetryBudget shared with the
// other instances, and reports what it did. Driven over IPC: 'ready' once connected and in the
// fleet, then it waits for 'go' so that every instance starts at once.
import { RateLimiter, retryable, RetryBudget, stats } from '../../src';
import { RedisRateLimiter, RedisRetryBudget, type RedisClientLike } from '../../src/redis';
import { ensureOk } from '../../src/undici';

export interface WorkerSettings {
  readonly url: string;
  readonly redisPort: number;
  readonly client: 'ioredis' | 'node-redis';
  readonly budget: 'local' | 'shared';
  readonly key: string;
  readonly calls: number;
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly maxAttempts: number;
  /**
   * Rate-limiter mode: instead of a budget, a local `RateLimiter` or a `RedisRateLimiter` (by
   * `budget`) of `limit` per `interval` ms; `calls` calls of one attempt each.
   */
  readonly limiter?: { readonly limit: number; readonly interval: number };
}

export interface WorkerReport {
  readonly calls: number;
  /** Retries (budget mode), or attempts the limiter let through (rate-limiter mode). */
  readonly retries: number;
  readonly refused: number;
}

async function connect(
  settings: WorkerSettings,
): Promise<{ client: RedisClientLike; close(): void }> {
  const options = { port: settings.redisPort, host: '127.0.0.1' };
  // Only the client in use is loaded: loading a client takes a while on a busy machine.
  if (settings.client === 'ioredis') {
    const { Redis } = await import('ioredis');
    const client = new Redis({ ...options, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    return { client, close: () => client.disconnect() };
  }
  const { createClient } = await import('redis');
  const client = createClient({ socket: options });
  client.on('error', () => {});
  await client.connect();
  return { client, close: () => client.destroy() };
}

/** Rate-limiter mode: `calls` calls, each refused at once when its turn is not now. */
async function runLimited(
  settings: WorkerSettings,
  connection: { client: RedisClientLike; close(): void },
): Promise<void> {
  const { limit, interval } = settings.limiter!;
  const options = { limit, interval, maxWait: 0 };
  const limiter =
    settings.budget === 'shared'
      ? new RedisRateLimiter({
          ...options,
          client: connection.client,
          key: settings.key,
          redisTimeout: 1000,
        })
      : new RateLimiter(options);
  if (limiter instanceof RedisRateLimiter) await limiter.sync();
  const callDependency = retryable(
    async () => {
      await ensureOk(await fetch(settings.url));
    },
    { maxAttempts: 1, rateLimiter: limiter },
  );
  process.send?.('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  for (let index = 0; index < settings.calls; index++) {
    await callDependency().catch(() => {});
  }
  const counted = stats(limiter);
  if (limiter instanceof RedisRateLimiter) await limiter.close();
  connection.close();
  const report: WorkerReport = {
    calls: settings.calls,
    retries: counted.granted,
    refused: counted.rejections,
  };
  process.send?.(report, () => process.disconnect());
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.TENACIOUS_FLEET_WORKER ?? '{}') as WorkerSettings;
  const connection = await connect(settings);
  if (settings.limiter !== undefined) {
    await runLimited(settings, connection);
    return;
  }
  const budgetOptions = {
    ratio: settings.ratio,
    minPerSecond: settings.minPerSecond,
    window: 60_000,
  };
  // A generous redisTimeout: on a loaded machine the instance must not fall back to deciding alone.
  const budget =
    settings.budget === 'shared'
      ? new RedisRetryBudget({
          ...budgetOptions,
          client: connection.client,
          key: settings.key,
          redisTimeout: 1000,
        })
      : new RetryBudget(budgetOptions);
  if (budget instanceof RedisRetryBudget) await budget.sync();
  const callDependency = retryable(
    async () => {
      await ensureOk(await fetch(settings.url));
    },
    { maxAttempts: settings.maxAttempts, delays: [5], budget },
  );
  process.send?.('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  if (budget instanceof RedisRetryBudget) await budget.sync();
  for (let index = 0; index < settings.calls; index++) {
    await callDependency().catch(() => {});
  }
  const counted = stats(budget);

  if (budget instanceof RedisRetryBudget) await budget.close();
  connection.close();
  const report: WorkerReport = {
    calls: counted.calls,
    retries: counted.retries,
    refused: counted.rejections,
  };
  process.send?.(report, () => process.disconnect());
}

void main();
