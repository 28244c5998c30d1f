// Type-level tests for the decorators with legacy `experimentalDecorators` + `emitDecoratorMetadata`
// (tsconfig.legacy.json). Not run by jest: `npm run typecheck` compiles this file. Plain lines
// must compile; a line under `// @ts-expect-error` must not.
import 'reflect-metadata';
import {
  Classified,
  ConcurrencyLimit,
  Fallback,
  ErrorCategory,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  retryable,
  type Classifier,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const retryableOnly: Classifier = (error) =>
  error instanceof RangeError ? ErrorCategory.RETRYABLE : undefined;

class Dependency {}

// --- What must compile ---------------------------------------------------------------------

@RetryDefaults({ maxAttempts: 4, rateLimit: { maxAttempts: 6, jitter: 'equal' } })
@Classified(retryableOnly)
export class Service {
  constructor(readonly dependency: Dependency) {}

  @Retry()
  async asyncMethod(id: string): Promise<number> {
    return id.length;
  }

  @Retry({ maxAttempts: 2, retryOn: [RangeError] })
  promiseMethod(): Promise<string> {
    return Promise.resolve('value');
  }

  @Retry({ initialDelay: 0, jitter: 'none' })
  syncMethod(left: number, right: number): number {
    return left + right;
  }

  @Retry({ retryOn: (_error, { category }) => category === ErrorCategory.TIMEOUT })
  async *streamMethod(): AsyncGenerator<string> {
    yield 'event';
  }

  @Retry({ deadline: 5000, maxAttempts: Infinity })
  static async staticMethod(scope: Dependency): Promise<Dependency> {
    return scope;
  }

  @Retry({ classifier: retryableOnly })
  @RetryOnRateLimit({ rateLimitErrors: [RangeError] })
  @Classified(() => undefined)
  async stackedA(): Promise<void> {}

  @Classified(() => ErrorCategory.NON_RETRYABLE)
  @RetryOnRateLimit()
  @Retry()
  stackedB(): string {
    return '';
  }

  @RetryOnRateLimit({ jitter: 'decorrelated' })
  @Classified(retryableOnly)
  @Retry()
  static stackedStatic(): void {}

  @Classified(retryableOnly)
  classifiedOnly(): void {}
}

@RetryDefaults({ jitter: 'full', rateLimit: { initialDelay: 500 } })
export class SubService extends Service {}

// The decorators do not change a method's type.
export const asyncMethodKeepsItsType: Equals<
  Service['asyncMethod'],
  (id: string) => Promise<number>
> = true;
export const staticMethodKeepsItsType: Equals<
  (typeof Service)['staticMethod'],
  (scope: Dependency) => Promise<Dependency>
> = true;

// retryable keeps the parameter and return types of the function it wraps.
const retryingJoin = retryable((parts: readonly string[], separator: string): string =>
  parts.join(separator),
);
export const joinKeepsItsType: Equals<
  typeof retryingJoin,
  (parts: readonly string[], separator: string) => string
> = true;
const retryingFetch = retryable(async (url: URL): Promise<Response> => fetch(url), {
  rateLimit: {},
});
export const fetchKeepsItsType: Equals<typeof retryingFetch, (url: URL) => Promise<Response>> =
  true;
export const equalsTellsApart: Equals<
  typeof retryingJoin,
  (parts: string[], separator: string) => number
> = false;

// --- What must not compile -------------------------------------------------------------------

export class Misplaced {
  // @ts-expect-error -- @Retry on a property
  @Retry() handler = async (): Promise<void> => {};

  // @ts-expect-error -- @Retry on a getter
  @Retry() get status(): string {
    return 'up';
  }

  // @ts-expect-error -- @RetryOnRateLimit on a property
  @RetryOnRateLimit() other = 1;

  // @ts-expect-error -- @RetryDefaults on a method
  @RetryDefaults({ maxAttempts: 2 }) method(): void {}

  // @ts-expect-error -- @Retry on a synchronous generator method
  @Retry() *numbers(): Generator<number> {
    yield 1;
  }

  // @ts-expect-error -- @ConcurrencyLimit on a synchronous generator method
  @ConcurrencyLimit({ maxConcurrent: 1 }) *limited(): Generator<number> {
    yield 1;
  }

  // @ts-expect-error -- @Classified on a property
  @Classified(retryableOnly) field = 1;

  // @ts-expect-error -- @Retry without parentheses
  @Retry async noParentheses(): Promise<void> {}
}

// @ts-expect-error -- @Retry on a class
@Retry()
export class RetryOnClass {}

export class BadOptions {
  // @ts-expect-error -- unknown option
  @Retry({ maxRetries: 3 }) unknownKey(): void {}

  // @ts-expect-error -- wrong type for initialDelay
  @Retry({ initialDelay: '1s' }) wrongDelayType(): void {}

  // @ts-expect-error -- rate-limit retries are always jittered
  @RetryOnRateLimit({ jitter: 'none' }) noJitter(): void {}

  // @ts-expect-error -- a classifier returns an ErrorCategory or undefined
  @Classified((_error: unknown) => 'retryable') stringClassifier(): void {}
}

// @ts-expect-error -- rate-limit defaults are always jittered too
@RetryDefaults({ rateLimit: { jitter: false } })
export class RateLimitDefaultsWithoutJitter {}

// @ts-expect-error -- retryable keeps the signature
retryingJoin('a', ',');

// --- @Fallback and @ConcurrencyLimit -------------------------------------------------------

@ConcurrencyLimit({ maxConcurrent: 2 })
export class FallbackService {
  readonly region = 'eu';

  @Fallback([])
  async list(): Promise<string[]> {
    return [];
  }

  @Fallback(function (this: FallbackService, _error: unknown, id: string) {
    return `${this.region}:${id}`;
  })
  get(id: string): string {
    return id;
  }

  // @ts-expect-error a number is not what a string method returns
  @Fallback(0)
  async name(): Promise<string> {
    return 'n';
  }

  // @ts-expect-error the function takes an argument the method does not have in that type
  @Fallback((_error: unknown, id: number) => String(id))
  async find(id: string): Promise<string> {
    return id;
  }
}
