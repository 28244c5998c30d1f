import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  ErrorCategory,
  HttpError,
  Retry,
  RetryBudget,
  channelNames,
  retryable,
  withRetry,
  type BudgetExhaustedMessage,
  type CircuitStateMessage,
  type GiveUpMessage,
  type RetryMessage,
  type SuccessMessage,
  type TenaciousChannelName,
} from '../../src';

/** No wait between attempts, so nothing here sleeps. */
const immediate = { jitter: 'none', initialDelay: 0 } as const;

/** Collects what `names` publish while `body` runs, then unsubscribes. */
async function collect(
  names: readonly TenaciousChannelName[],
  body: () => Promise<unknown> | unknown,
): Promise<[TenaciousChannelName, unknown][]> {
  const seen: [TenaciousChannelName, unknown][] = [];
  const subscribers = names.map((name) => {
    const subscriber = (message: unknown) => seen.push([name, message]);
    subscribe(name, subscriber);
    return [name, subscriber] as const;
  });
  try {
    await body();
  } finally {
    for (const [name, subscriber] of subscribers) unsubscribe(name, subscriber);
  }
  return seen;
}

class Inventory {
  failures = 0;
  failuresLeft = 0;

  @Retry({ ...immediate, maxAttempts: 3, budget: false })
  async reserve(sku: string): Promise<string> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new HttpError(503);
    }
    return `reserved ${sku}`;
  }

  @Retry({ ...immediate, maxAttempts: 3, budget: false })
  async release(): Promise<never> {
    throw new HttpError(404);
  }
}

describe('the tenacious diagnostics channels', () => {
  it('are the eight channels of DESIGN 1d', () => {
    expect(channelNames).toEqual([
      'tenacious:retry',
      'tenacious:give-up',
      'tenacious:success',
      'tenacious:circuit-state',
      'tenacious:budget-exhausted',
      'tenacious:concurrency-rejected',
      'tenacious:rate-limited',
      'tenacious:hedge',
    ]);
  });

  it('publish a retry per retried attempt and a success when a retried call succeeds', async () => {
    const inventory = new Inventory();
    inventory.failuresLeft = 2;
    const seen = await collect(channelNames, () => inventory.reserve('A1'));
    const retryMessage = (attempt: number): RetryMessage => ({
      className: 'Inventory',
      method: 'reserve',
      attempt,
      delay: 0,
      lane: 'retry',
      category: ErrorCategory.RETRYABLE,
      error: expect.any(HttpError) as unknown,
    });
    const success: SuccessMessage = { className: 'Inventory', method: 'reserve', attempts: 3 };
    expect(seen).toEqual([
      ['tenacious:retry', retryMessage(1)],
      ['tenacious:retry', retryMessage(2)],
      ['tenacious:success', success],
    ]);
    expect(((seen[0][1] as RetryMessage).error as HttpError).status).toBe(503);
  });

  it('publish nothing for a call that succeeds at once', async () => {
    const seen = await collect(channelNames, () => new Inventory().reserve('A1'));
    expect(seen).toEqual([]);
  });

  it('publish a give-up with its reason: not retryable, or out of attempts', async () => {
    const inventory = new Inventory();
    inventory.failuresLeft = 5;
    const seen = await collect(['tenacious:give-up'], async () => {
      await expect(inventory.release()).rejects.toThrow(HttpError);
      await expect(inventory.reserve('B2')).rejects.toThrow(HttpError);
    });
    const notRetryable: GiveUpMessage = {
      className: 'Inventory',
      method: 'release',
      attempts: 1,
      reason: 'not-retryable',
      category: ErrorCategory.NON_RETRYABLE,
      error: expect.objectContaining({ status: 404 }) as unknown,
    };
    const exhausted: GiveUpMessage = {
      className: 'Inventory',
      method: 'reserve',
      attempts: 3,
      reason: 'exhausted',
      category: ErrorCategory.RETRYABLE,
      error: expect.objectContaining({ status: 503 }) as unknown,
    };
    expect(seen).toEqual([
      ['tenacious:give-up', notRetryable],
      ['tenacious:give-up', exhausted],
    ]);
  });

  it('publish budget-exhausted, then a give-up, when the budget refuses a retry', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0 });
    const fetchQuote = retryable(
      async function fetchQuote(): Promise<never> {
        throw new HttpError(503);
      },
      { ...immediate, maxAttempts: 3, budget },
    );
    const seen = await collect(['tenacious:budget-exhausted', 'tenacious:give-up'], () =>
      expect(fetchQuote()).rejects.toThrow(HttpError),
    );
    const exhausted: BudgetExhaustedMessage = {
      className: undefined,
      method: 'fetchQuote',
      budget,
      attempt: 1,
      delay: 0,
      category: ErrorCategory.RETRYABLE,
      error: expect.objectContaining({ status: 503 }) as unknown,
    };
    expect(seen).toEqual([
      ['tenacious:budget-exhausted', exhausted],
      [
        'tenacious:give-up',
        expect.objectContaining({ method: 'fetchQuote', attempts: 1, reason: 'budget' }),
      ],
    ]);
  });

  it('publish each state change of a breaker, with the breaker and the key', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 60_000 });
    class Payments {
      @CircuitBreaker(breaker)
      charge(): never {
        throw new HttpError(503);
      }
    }
    const seen = await collect(['tenacious:circuit-state'], () => {
      expect(() => new Payments().charge()).toThrow(HttpError);
      breaker.isolate()();
    });
    const opened: CircuitStateMessage = { breaker, key: undefined, from: 'closed', to: 'open' };
    expect(seen).toEqual([
      ['tenacious:circuit-state', opened],
      ['tenacious:circuit-state', { breaker, key: undefined, from: 'open', to: 'isolated' }],
      ['tenacious:circuit-state', { breaker, key: undefined, from: 'isolated', to: 'closed' }],
    ]);
  });

  it('publish a give-up naming the breaker when the circuit opens during a retried call', async () => {
    class Search {
      @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
      @Retry({ ...immediate, maxAttempts: 3, budget: false })
      async query(): Promise<never> {
        throw new HttpError(503);
      }
    }
    const seen = await collect(['tenacious:retry', 'tenacious:give-up'], () =>
      expect(new Search().query()).rejects.toThrow(HttpError),
    );
    expect(seen).toEqual([
      [
        'tenacious:give-up',
        expect.objectContaining({
          className: 'Search',
          method: 'query',
          attempts: 1,
          reason: 'circuit-breaker',
        }),
      ],
    ]);
  });

  it('publish a give-up with no attempt when an open circuit refuses a call, sync, async and fast', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 60_000 });
    class Search {
      @CircuitBreaker(breaker)
      @Retry({ ...immediate, maxAttempts: 1, budget: false })
      async query(): Promise<never> {
        throw new HttpError(503);
      }

      @CircuitBreaker(breaker)
      @Retry({ ...immediate, maxAttempts: 1, budget: false })
      lookup(): string {
        return 'found';
      }
    }
    const search = new Search();
    await expect(search.query()).rejects.toThrow(HttpError);
    expect(breaker.state).toBe('open');
    const seen = await collect(['tenacious:give-up'], async () => {
      await expect(search.query()).rejects.toThrow(BrokenCircuitError);
      expect(() => search.lookup()).toThrow(BrokenCircuitError);
    });
    const refusal = (method: string) => [
      'tenacious:give-up',
      {
        className: 'Search',
        method,
        attempts: 0,
        reason: 'refused',
        category: undefined,
        error: expect.any(BrokenCircuitError),
        policy: 'circuit-breaker',
      },
    ];
    expect(seen).toEqual([refusal('query'), refusal('lookup')]);
  });

  it('name the class a call is made through, for an inherited method too', async () => {
    class Shelf {
      @Retry({ ...immediate, maxAttempts: 2, budget: false })
      async count(): Promise<never> {
        throw new HttpError(503);
      }
    }
    class PlainShelf extends Shelf {}
    const seen = await collect(['tenacious:give-up'], async () => {
      await expect(new PlainShelf().count()).rejects.toThrow(HttpError);
      await expect(new Shelf().count()).rejects.toThrow(HttpError);
    });
    expect(seen.map(([, message]) => (message as GiveUpMessage).className)).toEqual([
      'PlainShelf',
      'Shelf',
    ]);
  });

  it('name a withRetry call after withRetry', async () => {
    let failures = 0;
    const seen = await collect(['tenacious:retry'], () =>
      withRetry(
        async () => {
          if (failures++ === 0) throw new HttpError(500);
          return 'ok';
        },
        { ...immediate },
      ),
    );
    expect(seen).toEqual([
      ['tenacious:retry', expect.objectContaining({ className: undefined, method: 'withRetry' })],
    ]);
  });

  it('publish nothing once the last subscriber has left', async () => {
    const seen: unknown[] = [];
    const subscriber = (message: unknown) => seen.push(message);
    subscribe('tenacious:retry', subscriber);
    const inventory = new Inventory();
    inventory.failuresLeft = 1;
    await inventory.reserve('C3');
    expect(seen).toHaveLength(1);
    unsubscribe('tenacious:retry', subscriber);
    expect(channel('tenacious:retry').hasSubscribers).toBe(false);
    inventory.failuresLeft = 1;
    await inventory.reserve('C3');
    expect(seen).toHaveLength(1);
  });
});
