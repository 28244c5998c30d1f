import {
  CircuitBreaker,
  ConcurrencyLimit,
  Fallback,
  Hedge,
  RateLimit,
  Timeout,
  type MethodOrClassDecoratorFunction,
} from '../../src';

// The six policy decorators that go on a method or on a class share one way of being applied;
// the words of their definition errors differ. policy-decorator-errors.test.ts (in both modes)
// pins them whole from these cases, so that sharing the code cannot change them.

export interface PolicyDecoratorCase {
  readonly source: string;
  /** A valid application of the decorator. */
  readonly make: () => MethodOrClassDecoratorFunction;
  /** How the "applied twice" error ends, for a method and for a class. */
  readonly twice: (where: 'method' | 'class') => string;
  /**
   * The factory, and its error when handed a function (as a legacy class decorator written
   * without parentheses is). Not for `@Fallback`, whose handler is a function.
   */
  readonly refusesFunction?: {
    readonly factory: (options: never) => unknown;
    readonly message: string;
  };
}

const oneOf = (thing: string) => (where: 'method' | 'class') => `a ${where} has one ${thing}`;
const merge = () => 'merge the options into one';
const asDecorator = (decorator: unknown) => decorator as MethodOrClassDecoratorFunction;

export const policyDecoratorCases: readonly PolicyDecoratorCase[] = [
  {
    source: '@CircuitBreaker',
    make: () => CircuitBreaker(),
    twice: oneOf('breaker'),
    refusesFunction: {
      factory: CircuitBreaker,
      message:
        '@CircuitBreaker: expected breaker options or a Breaker, got a function; write @CircuitBreaker() with parentheses',
    },
  },
  {
    source: '@ConcurrencyLimit',
    make: () => ConcurrencyLimit({ maxConcurrent: 1 }),
    twice: oneOf('concurrency limit'),
    refusesFunction: {
      factory: ConcurrencyLimit,
      message:
        '@ConcurrencyLimit: expected concurrency-limit options or a ConcurrencyLimiter, got a function; write @ConcurrencyLimit({ maxConcurrent }) with its options',
    },
  },
  {
    source: '@RateLimit',
    make: () => RateLimit({ limit: 1, interval: 1000 }),
    twice: oneOf('rate limiter'),
    refusesFunction: {
      factory: RateLimit,
      message:
        '@RateLimit: expected rate-limiter options ({ limit, interval }) or a RateLimiter, got a function; write @RateLimit({ limit, interval }) with parentheses',
    },
  },
  { source: '@Fallback', make: () => asDecorator(Fallback('cached')), twice: oneOf('fallback') },
  {
    source: '@Timeout',
    make: () => asDecorator(Timeout(1000)),
    twice: merge,
    refusesFunction: {
      factory: Timeout,
      message:
        '@Timeout: expected a number of milliseconds or { ms }, got a function; write @Timeout(...) with its options',
    },
  },
  {
    source: '@Hedge',
    make: () => asDecorator(Hedge({ delay: 100 })),
    twice: merge,
    refusesFunction: {
      factory: Hedge,
      message:
        '@Hedge: expected hedge options ({ delay, maxHedges }), got a function; write @Hedge(...) with its options',
    },
  },
];

/** The cases whose factory refuses a function. */
export const refusingFunctionCases = policyDecoratorCases.flatMap(({ source, refusesFunction }) =>
  refusesFunction === undefined ? [] : [{ source, ...refusesFunction }],
);
