import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  HttpError,
  Retry,
  RetryBudget,
  stats,
  withRetry,
} from '../../src';

// The budget's first attempts are the calls that reached the dependency: a call refused before
// its first attempt ran (an isolated breaker here) earns no retries, on every path a call takes:
// the fast path's first-attempt guard (a breaker without `key`), the slow path (a keyed breaker,
// `withRetry`), sync and async. `stats()` of the method still counts the refused call.

const refusals = 20;

function isolatedBreaker(options: { key?: () => string } = {}): Breaker {
  const breaker = new Breaker({ consecutiveFailures: 1, ...options });
  breaker.isolate();
  return breaker;
}

function rejected(error: unknown): unknown {
  return error;
}

describe('calls refused by the breaker before their first attempt', () => {
  it.each([
    ['a breaker without key (fast-path guard), sync', {}, false],
    ['a breaker without key (fast-path guard), async', {}, true],
    ['a keyed breaker (slow path), sync', { key: () => 'host' }, false],
    ['a keyed breaker (slow path), async', { key: () => 'host' }, true],
  ])('%s: are not counted by the budget', async (_name, breakerOptions, asynchronous) => {
    const budget = new RetryBudget();
    const breaker = isolatedBreaker(breakerOptions);
    const target = jest.fn(() => 'served');
    class Service {
      @Retry({ budget, delays: [0] })
      @CircuitBreaker(breaker)
      sync(): string {
        return target();
      }

      @Retry({ budget, delays: [0] })
      @CircuitBreaker(breaker)
      async async(): Promise<string> {
        return target();
      }
    }
    const service = new Service();
    for (let index = 0; index < refusals; index++) {
      const error = asynchronous
        ? await service.async().catch(rejected)
        : (() => {
            try {
              return service.sync();
            } catch (thrown) {
              return thrown;
            }
          })();
      expect(error).toBeInstanceOf(BrokenCircuitError);
    }
    expect(target).not.toHaveBeenCalled();
    expect(stats(budget).calls).toBe(0);
    const methodStats = stats(asynchronous ? service.async : service.sync);
    expect(methodStats).toMatchObject({ calls: refusals, attempts: 0, rejections: refusals });
  });

  it('withRetry: a refused call is not counted by the budget it names', async () => {
    const budget = new RetryBudget();
    const circuitBreaker = isolatedBreaker();
    for (let index = 0; index < refusals; index++) {
      await expect(
        withRetry(async () => 'served', { budget, circuitBreaker }),
      ).rejects.toBeInstanceOf(BrokenCircuitError);
    }
    expect(stats(budget).calls).toBe(0);
  });

  it('admitted calls are still counted once each, whatever their attempts', async () => {
    const budget = new RetryBudget();
    const breaker = new Breaker({ consecutiveFailures: 100, key: () => 'host' });
    let attempts = 0;
    class Service {
      @Retry({ budget, delays: [0], maxAttempts: 2 })
      @CircuitBreaker(breaker)
      async call(): Promise<string> {
        attempts += 1;
        if (attempts % 2 === 1) throw new HttpError(503);
        return 'served';
      }
    }
    const service = new Service();
    for (let index = 0; index < 5; index++) await expect(service.call()).resolves.toBe('served');
    expect(stats(budget)).toMatchObject({ calls: 5, retries: 5 });
    expect(stats(service.call)).toMatchObject({ calls: 5, attempts: 10, retries: 5 });
  });
});
