/**
 * The resilience policies of DESIGN 1b, each alone (no `@Retry`) on one class behind one call
 * site, against the direct call, the simplest correct hand-written equivalent and cockatiel 4
 * (issue 13). tenacious's decorators are looked up by name: a build without one reports its cases
 * as not available, and measures them, with no change here, the day it has them. Every case's
 * class is its own literal in its own function, so V8 keeps its feedback apart from the others'.
 * Only the policies group's process loads this module.
 */
import { RetryDefaults, type MethodDecoratorFunction } from '../../src';
import type { BenchCase, CallKind } from '../harness/bench-case';
import type { PolicyName, PolicyVariant } from '../harness/policy-names';
import {
  concurrencyLimitAsync,
  concurrencyLimitSync,
  fallbackAsync,
  fallbackSync,
  hedgeAsync,
  rateLimitAsync,
  rateLimitSync,
  timeoutAsync,
} from './hand-written-policies';
import { currentPeersAvailable } from './node-version';
import { exported } from './retry-settings';

/**
 * The settings every variant of a policy uses. Nothing here ever takes effect on these calls:
 * the time limits and the hedge delay are far longer than a call, the concurrency limit is never
 * reached by calls awaited one at a time, and a billion calls a second is never waited for.
 */
const timeoutMilliseconds = 10_000;
const hedgeOptions = { delay: 10_000, maxHedges: 1 } as const;
const concurrencyOptions = { maxConcurrent: 1_000 } as const;
const rateLimitOptions = { limit: 1_000_000_000, interval: 1_000 } as const;
const fallbackValue = -1;

/** The decorators' signatures as DESIGN 1b gives them, for the options used here. */
interface PolicyExports {
  readonly Timeout: (milliseconds: number) => MethodDecoratorFunction;
  readonly Hedge: (options: typeof hedgeOptions) => MethodDecoratorFunction;
  readonly ConcurrencyLimit: (options: typeof concurrencyOptions) => MethodDecoratorFunction;
  readonly RateLimit: (options: typeof rateLimitOptions) => MethodDecoratorFunction;
  readonly Fallback: (value: number) => MethodDecoratorFunction;
}

/** Thrown, when a class is defined, by a decorator this build does not export. */
export class PolicyNotExported extends Error {}

function policyExport<Name extends keyof PolicyExports>(name: Name): PolicyExports[Name] {
  const found = exported(name);
  if (typeof found === 'function') return found as PolicyExports[Name];
  return (() => {
    throw new PolicyNotExported(`this build exports no ${name}`);
  }) as unknown as PolicyExports[Name];
}

const Timeout = policyExport('Timeout');
const Hedge = policyExport('Hedge');
const ConcurrencyLimit = policyExport('ConcurrencyLimit');
const RateLimit = policyExport('RateLimit');
const Fallback = policyExport('Fallback');

/** One case to build: building it defines its class, which throws if its decorator is missing. */
export interface PolicyCaseBuilder {
  readonly policy: PolicyName;
  readonly kind: CallKind;
  readonly variant: PolicyVariant;
  readonly build: () => BenchCase['call'] | Promise<BenchCase['call']>;
}

const withoutBudget = RetryDefaults({ budget: false });

const tenaciousBuilders: readonly PolicyCaseBuilder[] = [
  {
    policy: 'timeout',
    kind: 'async',
    variant: 'tenacious',
    build: () => {
      class Service {
        @Timeout(timeoutMilliseconds)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'timeout',
    kind: 'async',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @Timeout(timeoutMilliseconds)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'hedge',
    kind: 'async',
    variant: 'tenacious',
    build: () => {
      class Service {
        @Hedge(hedgeOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'hedge',
    kind: 'async',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @Hedge(hedgeOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'async',
    variant: 'tenacious',
    build: () => {
      class Service {
        @ConcurrencyLimit(concurrencyOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'async',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @ConcurrencyLimit(concurrencyOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'sync',
    variant: 'tenacious',
    build: () => {
      class Service {
        @ConcurrencyLimit(concurrencyOptions)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'sync',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @ConcurrencyLimit(concurrencyOptions)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'async',
    variant: 'tenacious',
    build: () => {
      class Service {
        @RateLimit(rateLimitOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'async',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @RateLimit(rateLimitOptions)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'sync',
    variant: 'tenacious',
    build: () => {
      class Service {
        @RateLimit(rateLimitOptions)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'sync',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @RateLimit(rateLimitOptions)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'async',
    variant: 'tenacious',
    build: () => {
      class Service {
        @Fallback(fallbackValue)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'async',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @Fallback(fallbackValue)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'sync',
    variant: 'tenacious',
    build: () => {
      class Service {
        @Fallback(fallbackValue)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'sync',
    variant: 'tenacious, budget: false',
    build: () => {
      @withoutBudget
      class Service {
        @Fallback(fallbackValue)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
];

const handWrittenBuilders: readonly PolicyCaseBuilder[] = [
  {
    policy: 'timeout',
    kind: 'async',
    variant: 'hand-written',
    build: () => {
      class Service {
        @timeoutAsync(timeoutMilliseconds)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'hedge',
    kind: 'async',
    variant: 'hand-written',
    build: () => {
      class Service {
        @hedgeAsync(hedgeOptions.delay)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'async',
    variant: 'hand-written',
    build: () => {
      class Service {
        @concurrencyLimitAsync(concurrencyOptions.maxConcurrent)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'sync',
    variant: 'hand-written',
    build: () => {
      class Service {
        @concurrencyLimitSync(concurrencyOptions.maxConcurrent)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'async',
    variant: 'hand-written',
    build: () => {
      class Service {
        @rateLimitAsync(rateLimitOptions.limit, rateLimitOptions.interval)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'rate limit',
    kind: 'sync',
    variant: 'hand-written',
    build: () => {
      class Service {
        @rateLimitSync(rateLimitOptions.limit, rateLimitOptions.interval)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'async',
    variant: 'hand-written',
    build: () => {
      class Service {
        @fallbackAsync(fallbackValue)
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
  {
    policy: 'fallback',
    kind: 'sync',
    variant: 'hand-written',
    build: () => {
      class Service {
        @fallbackSync(fallbackValue)
        method(value: number): number {
          return value + 1;
        }
      }
      const target = new Service();
      return (value) => target.method(value);
    },
  },
];

type Cockatiel4 = typeof import('cockatiel-4');
let cockatielModule: Promise<Cockatiel4> | undefined;
// ESM only, hence the import(); loaded once for the three cases.
const cockatiel = (): Promise<Cockatiel4> => (cockatielModule ??= import('cockatiel-4'));

/** cockatiel 4's `execute`, each policy with its own service (Node 22+). */
const cockatielBuilders: readonly PolicyCaseBuilder[] = [
  {
    policy: 'timeout',
    kind: 'async',
    variant: 'cockatiel 4',
    build: async () => {
      const { timeout, TimeoutStrategy } = await cockatiel();
      class Service {
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      const policy = timeout(timeoutMilliseconds, TimeoutStrategy.Cooperative);
      return (value) => policy.execute(() => target.method(value));
    },
  },
  {
    policy: 'concurrency limit',
    kind: 'async',
    variant: 'cockatiel 4',
    build: async () => {
      const { bulkhead } = await cockatiel();
      class Service {
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      const policy = bulkhead(concurrencyOptions.maxConcurrent);
      return (value) => policy.execute(() => target.method(value));
    },
  },
  {
    policy: 'fallback',
    kind: 'async',
    variant: 'cockatiel 4',
    build: async () => {
      const { fallback, handleAll } = await cockatiel();
      class Service {
        async method(value: number): Promise<number> {
          return value + 1;
        }
      }
      const target = new Service();
      const policy = fallback(handleAll, fallbackValue);
      return (value) => policy.execute(() => target.method(value));
    },
  },
];

/** Every policy case this Node can run: cockatiel 4 needs Node 22. */
export function policyCaseBuilders(): readonly PolicyCaseBuilder[] {
  return [
    ...tenaciousBuilders,
    ...handWrittenBuilders,
    ...(currentPeersAvailable ? cockatielBuilders : []),
  ];
}
