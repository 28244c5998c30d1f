// The consumer test's service: test/consumers/run.mjs compiles and runs it in each set-up users
// have (a legacy-decorator build gets `import 'reflect-metadata';` put first).
import { HttpError, Retry, RetryOnRateLimit } from 'tenacious';
import type { ResilientBedrockOptions } from 'tenacious/bedrock';
import type { RedisBreakerOptions } from 'tenacious/redis';
import { ensureOk } from 'tenacious/undici';

class QuoteService {
  flakyCalls = 0;
  limitedCalls = 0;

  // Fails once with a 503, then succeeds: two calls.
  @Retry({ maxAttempts: 2, initialDelay: 1, jitter: 'none' })
  async flaky(): Promise<string> {
    this.flakyCalls += 1;
    if (this.flakyCalls === 1) throw new HttpError(503);
    return 'quote';
  }

  // Rate-limited once, then allowed: two calls.
  @RetryOnRateLimit({ maxAttempts: 2, initialDelay: 1, maxDelay: 1 })
  async limited(): Promise<string> {
    this.limitedCalls += 1;
    if (this.limitedCalls === 1) throw new HttpError(429, { 'retry-after': '0' });
    return 'allowed';
  }
}

const bedrockOptions: ResilientBedrockOptions = { retry: { maxAttempts: 2 } };
// tenacious/redis's declarations, checked by every TypeScript version without a Redis client's.
const fleetBreakerOptions: RedisBreakerOptions = {
  client: { evalsha: async () => null, eval: async () => null },
  key: 'quotes',
  quorum: 2,
};

async function main(): Promise<void> {
  const service = new QuoteService();
  const flaky = await service.flaky();
  const limited = await service.limited();
  let ensureOkStatus = 0;
  try {
    await ensureOk({ statusCode: 503, headers: {}, body: { dump: async () => undefined } });
  } catch (error) {
    // The HttpError of 'tenacious/undici' is the class of 'tenacious'.
    if (error instanceof HttpError) ensureOkStatus = error.status;
  }
  console.log(
    JSON.stringify({
      flaky,
      flakyCalls: service.flakyCalls,
      limited,
      limitedCalls: service.limitedCalls,
      ensureOkStatus,
      bedrockMaxAttempts: bedrockOptions.retry?.maxAttempts,
      fleetQuorum: fleetBreakerOptions.quorum,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
