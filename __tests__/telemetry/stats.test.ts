import {
  Breaker,
  CircuitBreaker,
  Hedge,
  HttpError,
  RateLimit,
  RateLimiter,
  Retry,
  RetryBudget,
  retryable,
  stats,
  type MethodStats,
} from '../../src';

const immediate = { jitter: 'none', initialDelay: 0 } as const;

class Warehouse {
  failuresLeft = 0;

  @Retry({ ...immediate, maxAttempts: 3, budget: false })
  ship(): string {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new HttpError(503);
    }
    return 'shipped';
  }
}

describe('stats()', () => {
  it('counts a decorated method’s calls, attempts, retries, recoveries and give-ups', () => {
    const warehouse = new Warehouse();
    const before: MethodStats = {
      calls: 0,
      attempts: 0,
      retries: 0,
      recovered: 0,
      giveUps: 0,
      rejections: 0,
    };
    expect(stats(warehouse.ship)).toEqual(before);
    warehouse.ship();
    warehouse.failuresLeft = 1;
    warehouse.ship();
    warehouse.failuresLeft = 5;
    expect(() => warehouse.ship()).toThrow(HttpError);
    // Another instance, same method: the counters are the method's.
    new Warehouse().ship();
    expect(stats(warehouse.ship)).toEqual({
      calls: 4,
      attempts: 7,
      retries: 3,
      recovered: 1,
      giveUps: 1,
      rejections: 0,
    });
    expect(stats(Warehouse.prototype.ship)).toEqual(stats(new Warehouse().ship));
  });

  it('counts a retryable function, and the rejections of its budget', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0 });
    const load = retryable(
      async (): Promise<never> => {
        throw new HttpError(503);
      },
      { ...immediate, budget },
    );
    await expect(load()).rejects.toThrow(HttpError);
    await expect(load()).rejects.toThrow(HttpError);
    expect(stats(load)).toEqual({
      calls: 2,
      attempts: 2,
      retries: 0,
      recovered: 0,
      giveUps: 2,
      rejections: 2,
    });
    expect(stats(budget)).toEqual({
      calls: 2,
      retries: 0,
      rejections: 2,
      callsInWindow: 2,
      retriesInWindow: 0,
    });
  });

  it('counts a breaker’s outcomes, refusals and openings, and a method’s refused calls', () => {
    const breaker = new Breaker({ consecutiveFailures: 2, breakDuration: 60_000 });
    class Mailer {
      @CircuitBreaker(breaker)
      send(fail: boolean): string {
        if (fail) throw new HttpError(503);
        return 'sent';
      }
    }
    const mailer = new Mailer();
    mailer.send(false);
    expect(() => mailer.send(true)).toThrow(HttpError);
    expect(() => mailer.send(true)).toThrow(HttpError);
    expect(() => mailer.send(false)).toThrow(
      expect.objectContaining({ code: 'TENACIOUS_CIRCUIT_OPEN' }),
    );
    expect(stats(breaker)).toEqual({
      state: 'open',
      successes: 1,
      failures: 2,
      rejections: 1,
      opened: 1,
      stateChanges: 1,
    });
    expect(stats(mailer.send)).toMatchObject({ calls: 4, attempts: 3, rejections: 1 });
  });

  it('counts only attempts that ran: a refused stream, a retry refused after its wait or stopped by the deadline', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 60_000 });
    const release = breaker.isolate();
    class Feed {
      @CircuitBreaker(breaker)
      async *items(): AsyncGenerator<number> {
        yield 1;
      }
    }
    const feed = new Feed();
    await expect(feed.items().next()).rejects.toMatchObject({ code: 'TENACIOUS_CIRCUIT_ISOLATED' });
    expect(stats(feed.items)).toMatchObject({ calls: 1, attempts: 0, rejections: 1 });
    release();

    // The first attempt opens the circuit, whose break outlasts nothing the loop waits for but
    // another caller isolates it during the wait: the retry is refused when it is about to start.
    const shared = new Breaker({ consecutiveFailures: 5 });
    let isolation: (() => void) | undefined;
    const refusedRetry = retryable(
      async () => {
        throw new HttpError(503);
      },
      {
        circuitBreaker: shared,
        budget: false,
        delays: [0],
        onRetry: () => {
          isolation = shared.isolate();
        },
      },
    );
    await expect(refusedRetry()).rejects.toThrow(HttpError);
    isolation!();
    expect(stats(refusedRetry)).toMatchObject({ calls: 1, attempts: 1, retries: 0, rejections: 1 });

    const pastDeadline = retryable(
      () => {
        throw new HttpError(503);
      },
      {
        budget: false,
        delays: [50],
        deadline: 60,
        onRetry: () => {
          const until = Date.now() + 20;
          while (Date.now() < until);
        },
      },
    );
    expect(() => pastDeadline()).toThrow(HttpError);
    expect(stats(pastDeadline)).toMatchObject({ calls: 1, attempts: 1, retries: 0 });
  });

  it('does not count an attempt the caller aborted while it waited for a rate limiter’s turn', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 60_000 });
    class Quotes {
      failuresLeft = 0;

      @RateLimit(limiter)
      @Retry({ ...immediate, maxAttempts: 3, budget: false })
      async quote(signal: AbortSignal): Promise<string> {
        void signal;
        if (this.failuresLeft > 0) {
          this.failuresLeft -= 1;
          throw new HttpError(503);
        }
        return 'quoted';
      }
    }
    const quotes = new Quotes();
    // A retry that waits for the interval's next turn, aborted: neither made nor counted.
    quotes.failuresLeft = 1;
    const retryWaiting = new AbortController();
    const abortedRetry = quotes.quote(retryWaiting.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stats(limiter)).toMatchObject({ waited: 1 });
    retryWaiting.abort();
    await expect(abortedRetry).rejects.toMatchObject({ name: 'AbortError' });
    expect(stats(quotes.quote)).toMatchObject({ calls: 1, attempts: 1, retries: 0 });

    // A first attempt that waits for its turn, aborted: it never ran.
    const waiting = new AbortController();
    const aborted = quotes.quote(waiting.signal);
    waiting.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(stats(quotes.quote)).toMatchObject({ calls: 2, attempts: 1, retries: 0 });
  });

  it('does not count a hedged attempt that lost while it waited for a rate limiter’s turn', async () => {
    class Prices {
      @Hedge({ delay: 1 })
      @RateLimit({ limit: 1, interval: 60_000 })
      @Retry({ ...immediate, maxAttempts: 2, budget: false })
      async price(): Promise<string> {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 'priced';
      }
    }
    const prices = new Prices();
    await expect(prices.price()).resolves.toBe('priced');
    expect(stats(prices.price)).toMatchObject({ calls: 1, attempts: 1, retries: 0 });
  });

  it('counts a first attempt aborted while it waited beside its hedge as unstarted, not a retry', async () => {
    const limiter = new RateLimiter({ limit: 1, interval: 60_000, maxWait: 180_000 });
    class Prices {
      @Hedge({ delay: 1 })
      @RateLimit(limiter)
      @Retry({ ...immediate, maxAttempts: 3, budget: false })
      async price(signal: AbortSignal): Promise<string> {
        void signal;
        return 'priced';
      }
    }
    const prices = new Prices();
    await expect(prices.price(new AbortController().signal)).resolves.toBe('priced');
    // The interval's turn is taken: the first attempt waits, and its hedge too (the attempt 2).
    const caller = new AbortController();
    const aborted = prices.price(caller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stats(limiter)).toMatchObject({ waited: 2 });
    caller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(stats(prices.price)).toMatchObject({ calls: 2, attempts: 1, retries: 0 });
  });

  it('does not count a first attempt whose rate limiter cost threw: it never ran', async () => {
    class Orders {
      @RateLimit({
        limit: 10,
        interval: 1000,
        cost: ([units]) => {
          if (typeof units !== 'number' || units < 0) throw new Error('cost bug');
          return units;
        },
      })
      @Retry({ ...immediate, maxAttempts: 3, budget: false })
      async place(units: number): Promise<string> {
        return `placed ${units}`;
      }
    }
    const orders = new Orders();
    await expect(orders.place(-1)).rejects.toThrow('cost bug');
    await expect(orders.place(1)).resolves.toBe('placed 1');
    expect(stats(orders.place)).toMatchObject({ calls: 2, attempts: 1, retries: 0 });
  });

  it('refuses anything else, saying what it takes', () => {
    expect(() => stats({})).toThrow(
      'stats: expected a method decorated with tenacious, a retryable function, a Breaker, a RetryBudget, a RateLimiter or a ConcurrencyLimiter',
    );
    expect(() => stats(() => 1)).toThrow(TypeError);
  });
});
