import { Breaker, CircuitBreaker, HttpError, Retry, RetryDefaults, stats } from '../../src';

// A class decorator that returns a subclass of the class it decorates, as Angular's and MobX's
// do, with tenacious's class decorators above it (they get the subclass) or below it (they get
// the class as written). Compiled in both decorator modes (../legacy imports this file).

/**
 * Replaces the class with a subclass of it, which keeps its name; written for both decorator
 * protocols.
 */
function Replacing<Class extends abstract new (...args: never[]) => object>(
  value: Class,
  _context?: unknown,
): Class {
  abstract class Replaced extends (value as unknown as abstract new () => object) {
    readonly replaced = true;
  }
  Object.defineProperty(Replaced, 'name', { value: value.name });
  return Replaced as unknown as Class;
}

/** Synchronous retries that never wait. */
const instant = { delays: [0] } as const;

describe('a class decorator that returns a subclass', () => {
  it.each(['above', 'below'])(
    'with @RetryDefaults %s it: a merge refused at definition, naming the class',
    (place) => {
      const define = () => {
        if (place === 'above') {
          @RetryDefaults({ maxDelay: 10 })
          @Replacing
          class Catalog {
            @Retry({ initialDelay: 500 })
            product(): string {
              return 'product';
            }
          }
          return Catalog;
        }
        @Replacing
        @RetryDefaults({ maxDelay: 10 })
        class Catalog {
          @Retry({ initialDelay: 500 })
          product(): string {
            return 'product';
          }
        }
        return Catalog;
      };
      expect(define).toThrow(
        '@RetryDefaults({ maxDelay: 10 }) on Catalog and @Retry({ initialDelay: 500 }) on Catalog.product: maxDelay (10) must be >= initialDelay (500)',
      );
    },
  );

  it('on a base class, with @RetryDefaults on a subclass: a merge refused at definition', () => {
    @Replacing
    class Catalog {
      @Retry({ initialDelay: 500 })
      product(): string {
        return 'product';
      }
    }
    expect(() => {
      @RetryDefaults({ maxDelay: 10 })
      class Shop extends Catalog {}
      return Shop;
    }).toThrow(
      '@RetryDefaults({ maxDelay: 10 }) on Shop and @Retry({ initialDelay: 500 }) on Catalog.product: maxDelay (10) must be >= initialDelay (500)',
    );
  });

  it.each(['above', 'below'])(
    'with @CircuitBreaker %s it: one breaker for the methods of every instance',
    (place) => {
      const breaker = new Breaker({ consecutiveFailures: 6 });
      let attempts = 0;
      const fail = (): never => {
        attempts += 1;
        throw new HttpError(503);
      };
      const defaults = { ...instant, maxAttempts: 3, budget: false } as const;
      const define = () => {
        if (place === 'above') {
          @CircuitBreaker(breaker)
          @RetryDefaults(defaults)
          @Replacing
          class Inventory {
            @Retry() stock(): string {
              return fail();
            }
            @Retry() price(): string {
              return fail();
            }
          }
          return Inventory;
        }
        @Replacing
        @CircuitBreaker(breaker)
        @RetryDefaults(defaults)
        class Inventory {
          @Retry() stock(): string {
            return fail();
          }
          @Retry() price(): string {
            return fail();
          }
        }
        return Inventory;
      };
      const Inventory = define();
      const first = new Inventory();
      const second = new Inventory();
      expect((first as { replaced?: boolean }).replaced).toBe(true);
      expect(() => first.stock()).toThrow(HttpError);
      expect(breaker.state).toBe('closed');
      expect(() => second.price()).toThrow(HttpError);
      // Two calls of three attempts each: the one breaker counted all six failures.
      expect(attempts).toBe(6);
      expect(breaker.state).toBe('open');
      expect(stats(first.stock)).toMatchObject({ calls: 1, attempts: 3 });
      expect(stats(second.price)).toMatchObject({ calls: 1, attempts: 3 });
    },
  );

  it.each(['above', 'below'])(
    'with @RetryDefaults %s it: one default budget for the methods of every instance',
    (place) => {
      let attempts = 0;
      const fail = (): never => {
        attempts += 1;
        throw new HttpError(503);
      };
      const define = () => {
        if (place === 'above') {
          @RetryDefaults({ ...instant, maxAttempts: 2 })
          @Replacing
          class Inventory {
            @Retry() stock(): string {
              return fail();
            }
            @Retry() price(): string {
              return fail();
            }
          }
          return Inventory;
        }
        @Replacing
        @RetryDefaults({ ...instant, maxAttempts: 2 })
        class Inventory {
          @Retry() stock(): string {
            return fail();
          }
          @Retry() price(): string {
            return fail();
          }
        }
        return Inventory;
      };
      const Inventory = define();
      const first = new Inventory();
      const second = new Inventory();
      for (let call = 0; call < 60; call++) {
        expect(() => first.stock()).toThrow(HttpError);
        expect(() => second.price()).toThrow(HttpError);
      }
      // 120 calls: one budget (100 retries a window, plus a tenth of the calls) refuses some of
      // the 120 retries asked for; a budget per method or per instance would grant them all.
      expect(attempts).toBeGreaterThanOrEqual(120 + 112);
      expect(attempts).toBeLessThan(240);
    },
  );
});
