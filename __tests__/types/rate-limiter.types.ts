// Type-level tests for the rate limiter. Not run by jest: `npm run typecheck` compiles this file.
// Plain lines must compile; a line under `// @ts-expect-error` must not.
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import {
  RateLimit,
  RateLimiter,
  RateLimitExceededError,
  Retry,
  RetryDefaults,
  retryable,
  stats,
  withRetry,
  type RateLimiterOptions,
  type RateLimiterStats,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <Condition extends true>(): Condition | undefined => undefined;

// --- What must compile ---------------------------------------------------------------------

const options: RateLimiterOptions = { limit: 100, interval: 1000, maxWait: 500, adaptive: true };
const limiter = new RateLimiter(options);
// A cost typed for one argument list fits.
const tokens = new RateLimiter({
  limit: 100_000,
  interval: 60_000,
  cost: ([input]: [ConverseCommandInput]) => input.inferenceConfig?.maxTokens ?? 4096,
});
holds<Equals<ReturnType<RateLimiter['tryAcquire']>, number>>();
holds<Equals<typeof limiter.rate, number>>();
const limiterStats = stats(limiter);
holds<Equals<typeof limiterStats, RateLimiterStats>>();
const refusal = new RateLimitExceededError(10);
holds<Equals<typeof refusal.code, 'TENACIOUS_RATE_LIMITED'>>();
holds<Equals<typeof refusal.retryAfter, number>>();

@RetryDefaults({ rateLimiter: { limit: 10, interval: 1000 } })
@RateLimit(limiter)
class Service {
  @Retry()
  @RateLimit({ limit: 5, interval: 1000, cost: ([size]) => size as number })
  async upload(size: number): Promise<number> {
    return size;
  }

  @RateLimit(tokens)
  async converse(input: ConverseCommandInput): Promise<string> {
    return String(input.modelId);
  }
}
void Service;
void withRetry(async () => 1, { rateLimiter: limiter });
void retryable(async (id: string) => id, { rateLimiter: { limit: 1, interval: 10 } });

// --- What must not compile -----------------------------------------------------------------

// @ts-expect-error limit is required
new RateLimiter({ interval: 1000 });
// @ts-expect-error interval is a number of ms
new RateLimiter({ limit: 1, interval: '1s' });
// @ts-expect-error an unknown option
new RateLimiter({ limit: 1, interval: 10, burst: 5 });
// @ts-expect-error cost returns a number
new RateLimiter({ limit: 1, interval: 10, cost: () => '1' });
// @ts-expect-error adaptive is a boolean
new RateLimiter({ limit: 1, interval: 10, adaptive: 'on' });
// @ts-expect-error @RateLimit needs options or a limiter
RateLimit();
// @ts-expect-error rateLimiter is not the rate-limit lane's options
void withRetry(async () => 1, { rateLimiter: { maxAttempts: 3 } });
