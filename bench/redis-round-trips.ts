// npm run bench:redis: what a successful call costs under a RedisRetryBudget (and under a
// RedisRateLimiter), against the same method under a local RetryBudget (RateLimiter): time per call (for information; measure on a quiet machine),
// and the Redis commands the calls caused, counted by the server itself (INFO commandstats). A
// call that succeeds first time makes no round trip: the budget sends its counts in the
// background, one script every 100 ms, however many calls there were. Starts its own redis-server.
import { Redis } from 'ioredis';
import { RateLimiter, retryable, RetryBudget } from '../src';
import { RedisRateLimiter, RedisRetryBudget } from '../src/redis';
import { startRedisServer } from '../examples/servers/redis-server';

const calls = Number(process.env.BENCH_CALLS ?? 200_000);

/** Scripts the server ran (EVALSHA and EVAL), from its own counters. */
async function scriptsRun(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) {
    total += Number(match[1]);
  }
  return total;
}

async function measure(budget: RetryBudget, rateLimiter?: RateLimiter): Promise<number> {
  const method = retryable(async (value: number) => value + 1, {
    maxAttempts: 3,
    budget,
    ...(rateLimiter === undefined ? {} : { rateLimiter }),
  });
  for (let index = 0; index < 10_000; index++) await method(index); // warm-up
  const started = process.hrtime.bigint();
  let sum = 0;
  for (let index = 0; index < calls; index++) sum += await method(index);
  const elapsed = Number(process.hrtime.bigint() - started);
  if (sum === 0) throw new Error('unreachable');
  return elapsed / calls;
}

async function main(): Promise<void> {
  const server = await startRedisServer();
  const redis = new Redis({ port: server.port, host: '127.0.0.1' });
  try {
    const local = await measure(new RetryBudget());
    const shared = new RedisRetryBudget({ client: redis, key: 'bench' });
    await shared.sync();
    const before = await scriptsRun(redis);
    const started = Date.now();
    const perCall = await measure(shared);
    const elapsed = Date.now() - started;
    const scripts = (await scriptsRun(redis)) - before;
    await shared.close();
    console.log(
      `${calls} successful calls each (plus 10000 to warm up), one process, Node ${process.version}`,
    );
    console.log(`  local RetryBudget:       ${local.toFixed(0)} ns per call`);
    console.log(`  RedisRetryBudget:        ${perCall.toFixed(0)} ns per call`);
    console.log(
      `  Redis scripts run:       ${scripts} in ${elapsed} ms (one exchange per 100 ms: at most ${Math.ceil(elapsed / 100) + 2}), ` +
        `${(scripts / (calls + 10_000)).toFixed(6)} per call`,
    );
    // A RedisRateLimiter far above the calls' rate: every call is decided locally (lease or share).
    const quota = { limit: 1e9, interval: 1000 };
    const localLimited = await measure(new RetryBudget(), new RateLimiter(quota));
    const limiter = new RedisRateLimiter({ client: redis, key: 'bench', ...quota });
    await limiter.sync();
    const limiterBefore = await scriptsRun(redis);
    const limiterStarted = Date.now();
    const limitedPerCall = await measure(new RetryBudget(), limiter);
    const limiterElapsed = Date.now() - limiterStarted;
    const limiterScripts = (await scriptsRun(redis)) - limiterBefore;
    await limiter.close();
    console.log(`  local RateLimiter:       ${localLimited.toFixed(0)} ns per call`);
    console.log(`  RedisRateLimiter:        ${limitedPerCall.toFixed(0)} ns per call`);
    console.log(
      `  Redis scripts run:       ${limiterScripts} in ${limiterElapsed} ms (at most ${Math.ceil(limiterElapsed / 100) + 2})`,
    );
    if (
      scripts > Math.ceil(elapsed / 100) + 2 ||
      limiterScripts > Math.ceil(limiterElapsed / 100) + 2
    ) {
      process.exitCode = 1;
      console.error('  MISS: more scripts than exchanges: a call made a round trip');
    } else {
      console.log('  PASS: no call waited for, or caused, a round trip to Redis');
    }
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

void main();
