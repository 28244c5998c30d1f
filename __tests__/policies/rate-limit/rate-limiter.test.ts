import {
  RateLimiter,
  RateLimitExceededError,
  ErrorCategory,
  classifyError,
  isRateLimitError,
  stats,
} from '../../../src';
import { AdaptiveRate } from '../../../src/policies/rate-limit/adaptive-rate';

// The decision alone, with the clock passed in: tryAcquire(cost, maxWait, now).

describe('GCRA decisions', () => {
  it('lets a burst of `limit` through at once, then one unit per emission interval', () => {
    const limiter = new RateLimiter({ limit: 4, interval: 1000 });
    expect([0, 1, 2, 3].map(() => limiter.tryAcquire(1, 0, 0))).toEqual([0, 0, 0, 0]);
    // The fifth is due 250 ms later: refused with maxWait 0, granted with room to wait.
    expect(limiter.tryAcquire(1, 0, 0)).toBe(250);
    expect(limiter.tryAcquire(1, 250, 0)).toBe(250);
    expect(limiter.tryAcquire(1, 1000, 0)).toBe(500);
    expect(limiter.tryAcquire(1, 0, 500)).toBe(250); // the two reserved ones are ahead of it
    expect(limiter.tryAcquire(1, 0, 750)).toBe(0);
  });

  it('refuses without reserving anything, and says how long until the units would pass at once', () => {
    const limiter = new RateLimiter({ limit: 2, interval: 100 });
    limiter.tryAcquire(2, 0, 0);
    expect(limiter.tryAcquire(1, 10, 0)).toBe(50);
    expect(limiter.tryAcquire(1, 10, 0)).toBe(50); // the refusal took nothing
    expect(stats(limiter)).toMatchObject({ granted: 1, waited: 0, rejections: 2 });
  });

  it('weighs by cost: a cost of `limit` empties the burst, a cost of 0 always passes', () => {
    const limiter = new RateLimiter({ limit: 1000, interval: 60_000 });
    expect(limiter.tryAcquire(1000, 0, 0)).toBe(0);
    expect(limiter.tryAcquire(0, 0, 0)).toBe(0);
    expect(limiter.tryAcquire(500, 60_000, 0)).toBe(30_000);
  });

  it('never lets more than limit + limit * t / interval units through in any span of t ms', () => {
    const limiter = new RateLimiter({ limit: 5, interval: 1000 });
    const granted: number[] = [];
    for (let time = 0; time < 10_000; time += 37) {
      for (let tries = 0; tries < 3; tries++) {
        const wait = limiter.tryAcquire(1, 400, time);
        if (wait <= 400) granted.push(time + Math.ceil(wait));
      }
    }
    granted.sort((a, b) => a - b);
    for (let index = 0; index < granted.length; index++) {
      const inWindow = granted.filter(
        (time) => time >= granted[index] && time < granted[index] + 1000,
      ).length;
      expect(inWindow).toBeLessThanOrEqual(10);
    }
    const span = granted[granted.length - 1] - granted[0];
    expect(granted.length).toBeLessThanOrEqual(5 + (5 * span) / 1000 + 1);
    expect(granted.length).toBeGreaterThanOrEqual(5 * 10);
  });

  it('release gives reserved units back, so the attempts behind move up', () => {
    const limiter = new RateLimiter({ limit: 1, interval: 100 });
    limiter.tryAcquire(1, 0, 0);
    expect(limiter.tryAcquire(1, 100, 0)).toBe(100);
    limiter.release(1, 10);
    expect(limiter.tryAcquire(1, 100, 10)).toBe(90);
    expect(stats(limiter).granted).toBe(2);
  });

  it('release gives back what the grant took, even after an adaptive decrease', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
      for (let unit = 0; unit < 10; unit++) limiter.tryAcquire(1, 0, 0);
      expect(limiter.tryAcquire(1, 1000, 0)).toBeCloseTo(100, 6);
      const grant = limiter.lastGrant;
      expect(grant?.taken).toBeCloseTo(100, 6);
      limiter.recordThrottle(0, 0); // 7 units per second: 142.9 ms per unit from now on
      limiter.release(1, 0, grant);
      // The 100 ms the grant took went back, not the 142.9 ms a unit takes now.
      expect(limiter.tryAcquire(1, 1000, 0)).toBeCloseTo(1000 / 7, 6);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('adaptive rate (the AWS SDK CUBIC rule)', () => {
  it('falls to 0.7x on a throttle, climbs back to it after the time window, then probes beyond', () => {
    const rate = new AdaptiveRate(100);
    expect(rate.rateAt(0)).toBe(100);
    expect(rate.throttled(1000, 900)).toBe(true);
    expect(rate.rateAt(1000)).toBeCloseTo(70, 6);
    const timeWindow = Math.cbrt((100 * 0.3) / 0.4); // seconds
    expect(rate.rateAt(1000 + timeWindow * 1000)).toBeCloseTo(100, 6);
    expect(rate.rateAt(1000 + (timeWindow * 1000) / 2)).toBeGreaterThan(90);
    // Capped at the configured rate.
    expect(rate.rateAt(1000 + timeWindow * 3000)).toBe(100);
  });

  it('lowers once for throttles of attempts that started before the last decrease', () => {
    const rate = new AdaptiveRate(100);
    rate.throttled(1000, 990);
    expect(rate.throttled(1001, 995)).toBe(false);
    expect(rate.rateAt(1001)).toBeCloseTo(70, 0);
    const before = rate.rateAt(1100);
    expect(rate.throttled(1100, 1050)).toBe(true);
    expect(rate.decreases).toBe(2);
    expect(rate.rateAt(1100)).toBeCloseTo(before * 0.7, 6);
  });

  it('never falls below 0.5 units per second', () => {
    const rate = new AdaptiveRate(10);
    for (let time = 0; time < 50; time++) rate.throttled(time * 10, time * 10);
    expect(rate.rateAt(500)).toBe(0.5);
  });

  it('a limiter with adaptive: true spaces units by the lowered rate', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const limiter = new RateLimiter({ limit: 10, interval: 1000, adaptive: true });
      limiter.recordThrottle(0, 0);
      expect(limiter.rate).toBeCloseTo(7, 6);
      expect(stats(limiter)).toMatchObject({ throttles: 1, decreases: 1 });
      const plain = new RateLimiter({ limit: 10, interval: 1000 });
      plain.recordThrottle(0, 0);
      expect(plain.rate).toBe(10);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('RateLimitExceededError', () => {
  it('has its code, retryAfter, a NON_RETRYABLE category, and is a rate-limit error', () => {
    const error = new RateLimitExceededError(1234.5);
    expect(error.code).toBe('TENACIOUS_RATE_LIMITED');
    expect(error.retryAfter).toBe(1234.5);
    expect(error.message).toContain('1235 ms');
    expect(error.name).toBe('RateLimitExceededError');
    expect(classifyError(error)).toBe(ErrorCategory.NON_RETRYABLE);
    expect(isRateLimitError(error)).toBe(true);
    expect(isRateLimitError(new Error('wrapped', { cause: error }))).toBe(true);
  });

  it('is recognised across copies of the package by its Symbol.for brand', () => {
    const foreign = Object.create({
      [Symbol.for('tenacious.error.rate-limited')]: true,
    }) as object;
    expect(foreign instanceof RateLimitExceededError).toBe(true);
    expect(isRateLimitError(foreign)).toBe(true);
    expect({} instanceof RateLimitExceededError).toBe(false);
    class Mine extends RateLimitExceededError {}
    expect(new RateLimitExceededError(1) instanceof Mine).toBe(false);
    expect(new Mine(1) instanceof Mine).toBe(true);
  });
});

describe('options', () => {
  it.each<[string, unknown, RegExp]>([
    ['missing', undefined, /options \{ limit, interval \} are required/],
    ['no limit', { interval: 1000 }, /option "limit" is required/],
    ['no interval', { limit: 1 }, /option "interval" is required/],
    ['limit 0', { limit: 0, interval: 1000 }, /option "limit" must be a finite number > 0, got 0/],
    ['limit NaN', { limit: NaN, interval: 1000 }, /option "limit" .* got NaN/],
    ['interval negative', { limit: 1, interval: -5 }, /option "interval" .* got -5/],
    ['maxWait negative', { limit: 1, interval: 5, maxWait: -1 }, /option "maxWait" .* got -1/],
    ['maxWait Infinity', { limit: 1, interval: 5, maxWait: Infinity }, /"maxWait" .* Infinity/],
    [
      'cost a number',
      { limit: 1, interval: 5, cost: 3 },
      /option "cost" must be a function, got 3/,
    ],
    ['adaptive a string', { limit: 1, interval: 5, adaptive: 'yes' }, /option "adaptive" .* "yes"/],
    ['unknown key', { limit: 1, interval: 5, burst: 3 }, /unknown option "burst" \(value 3\)/],
  ])('%s is refused, naming the option and value', (_label, options, message) => {
    expect(() => new RateLimiter(options as never)).toThrow(message);
  });

  it('defaults maxWait to interval and adaptive to false', () => {
    const { options } = new RateLimiter({ limit: 3, interval: 700 });
    expect(options).toMatchObject({ limit: 3, interval: 700, maxWait: 700, adaptive: false });
    expect(Object.isFrozen(options)).toBe(true);
  });
});
