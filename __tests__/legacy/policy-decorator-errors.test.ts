import 'reflect-metadata';
import {
  CircuitBreaker,
  ConcurrencyLimit,
  Fallback,
  Hedge,
  RateLimit,
  Timeout,
  type MethodOrClassDecoratorFunction,
} from '../../src';

// ../decorators/policy-decorator-errors under experimentalDecorators: the definition errors of
// the six policy decorators, word for word.

interface PolicyDecoratorCase {
  readonly source: string;
  /** A valid application of the decorator. */
  readonly make: () => MethodOrClassDecoratorFunction;
  /** How the "applied twice" error ends, for a method and for a class. */
  readonly twice: (where: 'method' | 'class') => string;
}

const oneOf = (thing: string) => (where: 'method' | 'class') => `a ${where} has one ${thing}`;
const merge = () => 'merge the options into one';
const asDecorator = (decorator: unknown) => decorator as MethodOrClassDecoratorFunction;

const cases: readonly PolicyDecoratorCase[] = [
  { source: '@CircuitBreaker', make: () => CircuitBreaker(), twice: oneOf('breaker') },
  {
    source: '@ConcurrencyLimit',
    make: () => ConcurrencyLimit({ maxConcurrent: 1 }),
    twice: oneOf('concurrency limit'),
  },
  {
    source: '@RateLimit',
    make: () => RateLimit({ limit: 1, interval: 1000 }),
    twice: oneOf('rate limiter'),
  },
  { source: '@Fallback', make: () => asDecorator(Fallback('cached')), twice: oneOf('fallback') },
  { source: '@Timeout', make: () => asDecorator(Timeout(1000)), twice: merge },
  { source: '@Hedge', make: () => asDecorator(Hedge({ delay: 100 })), twice: merge },
];

describe.each(cases)(
  'legacy $source: definition errors, word for word',
  ({ source, make, twice }) => {
    test('applied twice to one method', () => {
      expect(() => {
        class Service {
          @make()
          @make()
          async load(): Promise<string> {
            return 'fresh';
          }
        }
        return Service;
      }).toThrow(new TypeError(`${source} is applied twice to method "load"; ${twice('method')}`));
    });

    test('applied twice to one static method', () => {
      expect(() => {
        class Service {
          @make()
          @make()
          static async load(): Promise<string> {
            return 'fresh';
          }
        }
        return Service;
      }).toThrow(new TypeError(`${source} is applied twice to method "load"; ${twice('method')}`));
    });

    test('applied twice to one class', () => {
      expect(() => {
        @make()
        @make()
        class Service {
          async load(): Promise<string> {
            return 'fresh';
          }
        }
        return Service;
      }).toThrow(new TypeError(`${source} is applied twice to class Service; ${twice('class')}`));
    });

    test('on a field', () => {
      expect(() => {
        class Service {
          // @ts-expect-error the decorator's types refuse a field
          @make() value = 1;
        }
        return Service;
      }).toThrow(
        new TypeError(
          `${source} cannot decorate field "value": put it on a method or on the class`,
        ),
      );
    });

    test('on a method and on its class: both apply, no error', async () => {
      @make()
      class Service {
        @make()
        async load(): Promise<string> {
          return 'fresh';
        }
      }
      await expect(new Service().load()).resolves.toBe('fresh');
    });
  },
);

describe('legacy: a class decorator written without parentheses is handed the class', () => {
  it.each<[string, () => unknown, string]>([
    [
      '@CircuitBreaker',
      () => {
        // @ts-expect-error a decorator factory without parentheses
        @CircuitBreaker
        class Service {}
        return Service;
      },
      '@CircuitBreaker: expected breaker options or a Breaker, got a function; write @CircuitBreaker() with parentheses',
    ],
    [
      '@ConcurrencyLimit',
      () => {
        // @ts-expect-error a decorator factory without parentheses
        @ConcurrencyLimit
        class Service {}
        return Service;
      },
      '@ConcurrencyLimit: expected concurrency-limit options or a ConcurrencyLimiter, got a function; write @ConcurrencyLimit({ maxConcurrent }) with its options',
    ],
    [
      '@RateLimit',
      () => {
        // @ts-expect-error a decorator factory without parentheses
        @RateLimit
        class Service {}
        return Service;
      },
      '@RateLimit: expected rate-limiter options ({ limit, interval }) or a RateLimiter, got a function; write @RateLimit({ limit, interval }) with parentheses',
    ],
    [
      '@Timeout',
      () => {
        // @ts-expect-error a decorator factory without parentheses
        @Timeout
        class Service {}
        return Service;
      },
      '@Timeout: expected a number of milliseconds or { ms }, got a function; write @Timeout(...) with its options',
    ],
    [
      '@Hedge',
      () => {
        // @ts-expect-error a decorator factory without parentheses
        @Hedge
        class Service {}
        return Service;
      },
      '@Hedge: expected hedge options ({ delay, maxHedges }), got a function; write @Hedge(...) with its options',
    ],
  ])('%s refuses it, saying how to write it', (_source, define, message) => {
    expect(define).toThrow(new TypeError(message));
  });
});
