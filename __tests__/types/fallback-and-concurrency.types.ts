// Type-level tests for @Fallback and @ConcurrencyLimit. Not run by jest: `npm run typecheck`
// compiles this file. Plain lines must compile; a line under `// @ts-expect-error` must not.
import {
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimitError,
  ErrorCategory,
  Fallback,
  RetryDefaults,
  stats,
  withRetry,
  type ConcurrencyLimiterStats,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <Condition extends true>(): Condition | undefined => undefined;

// --- What must compile ---------------------------------------------------------------------

const limiter = new ConcurrencyLimiter({ maxConcurrent: 4, maxQueued: 100, queueTimeout: 1_000 });
const limiterStats = stats(limiter);
holds<Equals<typeof limiterStats, ConcurrencyLimiterStats>>();
holds<Equals<ConcurrencyLimitError['code'], 'TENACIOUS_CONCURRENCY_LIMIT'>>();
holds<Equals<ConcurrencyLimitError['reason'], 'full' | 'queue-timeout'>>();

@ConcurrencyLimit({ maxConcurrent: 2 })
@Fallback(null)
@RetryDefaults({ concurrencyLimit: limiter, fallback: { to: [], on: [ErrorCategory.TIMEOUT] } })
export class Catalog {
  readonly region = 'eu';

  // A value of the method's result type (what its promise resolves to).
  @Fallback([])
  @ConcurrencyLimit(limiter)
  async list(): Promise<string[]> {
    return ['a'];
  }

  // A function of (error, ...the method's arguments), with the method's `this`.
  @Fallback(function (this: Catalog, error: unknown, id: string) {
    return `${this.region}:${id}:${String(error)}`;
  })
  async get(id: string): Promise<string> {
    return id;
  }

  // It may ignore the arguments, and answer with a promise.
  @Fallback(async () => 0, { on: (error) => error instanceof RangeError })
  count(): number {
    return 1;
  }

  // An async generator method falls back to the values to yield instead.
  @Fallback(() => ['cached'])
  async *events(): AsyncGenerator<string> {
    yield 'live';
  }
}

void withRetry(async () => 1, {
  concurrencyLimit: { maxConcurrent: 1 },
  fallback: { to: (error: unknown) => String(error) },
});

// --- What must not compile -----------------------------------------------------------------

export class Refused {
  // @ts-expect-error a number is not what a string method returns
  @Fallback(0)
  async name(): Promise<string> {
    return 'n';
  }

  // @ts-expect-error the function returns what the method does not
  @Fallback(() => 42)
  label(): string {
    return 'l';
  }

  // @ts-expect-error the function takes an argument the method does not have in that type
  @Fallback((_error: unknown, id: number) => String(id))
  async find(id: string): Promise<string> {
    return id;
  }

  // @ts-expect-error `on` takes categories or a predicate
  @Fallback('x', { on: 'timeout' })
  async other(): Promise<string> {
    return 'o';
  }

  // @ts-expect-error maxConcurrent is required
  @ConcurrencyLimit({ maxQueued: 1 })
  async limited(): Promise<void> {}

  // @ts-expect-error a field is not a method
  @ConcurrencyLimit({ maxConcurrent: 1 })
  field = 1;
}
