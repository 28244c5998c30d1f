import { RateLimit, RateLimiter, withRetry } from '../../../src';

// A limit below 1 with no `cost`: every call costs 1, more than the limit, so no call could ever
// pass; refused when the limiter is made. With a `cost` (which may weigh calls below 1) it stays
// valid.

describe('option limit below the default cost of 1', () => {
  it('is refused by new RateLimiter when no cost is given, naming the option and the value', () => {
    expect(() => new RateLimiter({ limit: 0.5, interval: 1000, maxWait: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ limit: 0.5, interval: 1000 })).toThrow(
      /new RateLimiter: option "limit" must be >= 1 .*cost.*, got 0\.5/,
    );
  });

  it('is refused by @RateLimit when the class is defined', () => {
    expect(() => {
      class Client {
        @RateLimit({ limit: 0.25, interval: 1000 })
        async send(): Promise<string> {
          return 'sent';
        }
      }
      return Client;
    }).toThrow(/option "limit" .* got 0\.25/);
  });

  it('stays valid with a cost that weighs calls below 1, and lets them through', async () => {
    const limiter = new RateLimiter({ limit: 0.5, interval: 1000, maxWait: 0, cost: () => 0.5 });
    await expect(
      withRetry(async () => 'ran', { rateLimiter: limiter, budget: false }),
    ).resolves.toBe('ran');
    await expect(
      withRetry(async () => 'ran', { rateLimiter: limiter, budget: false }),
    ).rejects.toMatchObject({ code: 'TENACIOUS_RATE_LIMITED' });
  });

  it('accepts a limit of exactly 1 without a cost', () => {
    expect(new RateLimiter({ limit: 1, interval: 1000 }).options.limit).toBe(1);
  });
});
