import {
  Retry,
  RetryContext,
  RetryDefaults,
  RetryOnRateLimit,
  calculateBackoffDelay,
  retryable,
  withRetry,
  type BackoffDelayOptions,
  type FunctionRetryOptions,
  type RateLimitOptions,
  type RetryDefaultsOptions,
  type RetryOptions,
} from '../../src';
import {
  backoffCalculationSpecs,
  rateLimitSpecs,
  retryDefaultsSpecs,
  retrySpecs,
  type OptionSpec,
} from './arbitraries';

/**
 * One place where options are given and validated: a decorator applied to a class, a functional
 * form, a RetryContext. `take` gives it the options and returns what it made (a promise for
 * `withRetry`); invalid options must throw synchronously, before the function is ever called.
 */
export interface OptionsTaker {
  readonly source: string;
  /** Top-level options and what is valid for each. */
  readonly specs: Readonly<Record<string, OptionSpec>>;
  /** Whether the options have a nested `rateLimit` object with the options of the rate-limit lane. */
  readonly nestsRateLimit: boolean;
  readonly take: (options: unknown, target: () => string) => unknown;
}

export const optionsTakers: readonly OptionsTaker[] = [
  {
    source: '@Retry',
    specs: retrySpecs,
    nestsRateLimit: false,
    take(options, target) {
      class Service {
        @Retry(options as RetryOptions)
        call(): string {
          return target();
        }
      }
      return new Service().call();
    },
  },
  {
    source: '@RetryOnRateLimit',
    specs: rateLimitSpecs,
    nestsRateLimit: false,
    take(options, target) {
      class Service {
        @RetryOnRateLimit(options as RateLimitOptions)
        call(): string {
          return target();
        }
      }
      return new Service().call();
    },
  },
  {
    source: '@RetryDefaults',
    specs: retryDefaultsSpecs,
    nestsRateLimit: true,
    take(options, target) {
      @RetryDefaults(options as RetryDefaultsOptions)
      class Service {
        @Retry()
        @RetryOnRateLimit()
        call(): string {
          return target();
        }
      }
      return new Service().call();
    },
  },
  {
    source: 'withRetry',
    specs: retryDefaultsSpecs,
    nestsRateLimit: true,
    take: (options, target) => withRetry(target, options as FunctionRetryOptions),
  },
  {
    source: 'retryable',
    specs: retryDefaultsSpecs,
    nestsRateLimit: true,
    take: (options, target) => retryable(target, options as FunctionRetryOptions)(),
  },
  {
    source: 'RetryContext',
    specs: retrySpecs,
    nestsRateLimit: false,
    take(options, target) {
      const context = new RetryContext(options as RetryOptions);
      for (const attempt of context) if (attempt === 1) return target();
      return undefined;
    },
  },
  {
    source: 'calculateBackoffDelay',
    specs: backoffCalculationSpecs,
    nestsRateLimit: false,
    take(options, target) {
      const delay = calculateBackoffDelay(1, options as BackoffDelayOptions);
      return Number.isInteger(delay) && delay >= 0 ? target() : `delay ${delay}`;
    },
  },
];

/** Every option path of a taker: `maxDelay`, and `rateLimit.maxDelay` where `rateLimit` nests. */
export function optionPaths(taker: OptionsTaker): string[] {
  const topLevel = Object.keys(taker.specs);
  return taker.nestsRateLimit
    ? [...topLevel, ...Object.keys(rateLimitSpecs).map((key) => `rateLimit.${key}`)]
    : topLevel;
}

export function specAt(taker: OptionsTaker, path: string): OptionSpec {
  const [outer, inner] = path.split('.');
  return inner === undefined
    ? taker.specs[outer]
    : rateLimitSpecs[inner as keyof typeof rateLimitSpecs];
}

/** What `take` threw, or `undefined`; a promise it returned is settled so that nothing leaks. */
export function thrownBy(take: () => unknown): unknown {
  try {
    const made = take();
    if (made instanceof Promise) made.catch(() => undefined);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** How an error message must show a primitive value; undefined for objects and functions. */
export function shownAs(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'number':
    case 'boolean':
    case 'symbol':
      return String(value);
    default:
      return value === null ? 'null' : undefined;
  }
}
