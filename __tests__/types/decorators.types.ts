// Type-level tests for the decorators with TC39 standard decorators (tsconfig.json). Not run by
// jest: `npm run typecheck` compiles this file. Plain lines must compile; a line under
// `// @ts-expect-error` must not (an unused @ts-expect-error is itself an error).
import {
  CircuitBreaker,
  Classified,
  ErrorCategory,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  retryable,
  type Classifier,
  type RateLimitOptions,
  type RetryOptions,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const retryableOnly: Classifier = (error) =>
  error instanceof RangeError ? ErrorCategory.RETRYABLE : undefined;

// --- What must compile ---------------------------------------------------------------------

@RetryDefaults({
  maxAttempts: 4,
  initialDelay: 100,
  rateLimit: { maxAttempts: 6, jitter: 'equal' },
})
@Classified(retryableOnly)
export class Service {
  @Retry()
  async asyncMethod(id: string): Promise<number> {
    return id.length;
  }

  @Retry({ maxAttempts: 2, jitter: 'decorrelated', retryOn: [RangeError, TypeError] })
  promiseMethod(): Promise<string> {
    return Promise.resolve('value');
  }

  @Retry({ initialDelay: 0, jitter: false })
  syncMethod(left: number, right: number): number {
    return left + right;
  }

  @Retry({
    retryOn: (_error, { category, attempt }) => category === ErrorCategory.TIMEOUT && attempt < 3,
  })
  async *streamMethod(): AsyncGenerator<string, void, undefined> {
    yield 'event';
  }

  @Retry({
    retryCategories: [ErrorCategory.NETWORK],
    idempotent: false,
    deadline: 10_000,
    maxAttempts: Infinity,
  })
  static async staticMethod(): Promise<void> {}

  @Retry({
    onRetry: (_error, attempt, delayMs) => void [attempt, delayMs],
    onGiveUp: (_error, attempts) => void attempts,
  })
  async #privateMethod(): Promise<void> {}

  @Retry({
    signal: (args) => args[0] as AbortSignal | undefined,
    respectRetryAfter: false,
    random: Math.random,
  })
  static #staticPrivateMethod(): void {}

  runPrivate(): Promise<void> {
    Service.#staticPrivateMethod();
    return this.#privateMethod();
  }

  // Stacked decorators, in any order.
  @Retry({ retryOnResult: (result) => result === undefined, classifier: retryableOnly })
  @RetryOnRateLimit({ maxAttempts: 6, rateLimitErrors: [RangeError] })
  @Classified(() => undefined)
  async stackedA(): Promise<void> {}

  @Classified(() => ErrorCategory.NON_RETRYABLE)
  @RetryOnRateLimit()
  @Retry()
  stackedB(): string {
    return '';
  }

  @RetryOnRateLimit({ jitter: 'proportional' })
  @Classified(retryableOnly)
  @Retry({ jitter: 'none' })
  async *stackedC(): AsyncGenerator<number> {
    yield 1;
  }

  @RetryOnRateLimit({ jitter: true })
  async rateLimitedOnly(): Promise<void> {}

  @Classified(retryableOnly)
  classifiedOnly(): void {}
}

@RetryDefaults({ jitter: 'none', rateLimit: { initialDelay: 500 } })
export class SubService extends Service {}

@RetryDefaults({})
export abstract class AbstractService {
  constructor(readonly name: string) {}

  @Retry()
  abstractCaller(): void {}
}

// The options types accept their fields as declared.
export const retryOptions: RetryOptions = {
  maxAttempts: 3,
  jitter: 'full',
  classifier: retryableOnly,
};
export const rateLimitOptions: RateLimitOptions = {
  maxAttempts: 5,
  jitter: 'equal',
  rateLimitErrors: [Error],
};

// retryable keeps the parameter and return types of the function it wraps.
const parse = (text: string, radix?: number): number => Number.parseInt(text, radix);
const retryingParse = retryable(parse, { maxAttempts: 2 });
export const parseKeepsItsType: Equals<
  typeof retryingParse,
  (text: string, radix?: number) => number
> = true;
export const parseKeepsItsParameters: Equals<
  Parameters<typeof retryingParse>,
  [text: string, radix?: number]
> = true;
export const parseKeepsItsReturn: Equals<ReturnType<typeof retryingParse>, number> = true;

const load = async (id: number): Promise<{ id: number }> => ({ id });
const retryingLoad = retryable(load, { rateLimit: { maxAttempts: 3 } });
export const loadKeepsItsType: Equals<
  typeof retryingLoad,
  (id: number) => Promise<{ id: number }>
> = true;

async function* stream(topic: string): AsyncGenerator<string> {
  yield topic;
}
const retryingStream = retryable(stream);
export const streamKeepsItsType: Equals<
  typeof retryingStream,
  (topic: string) => AsyncGenerator<string>
> = true;

// The decorators do not change a method's type.
export const asyncMethodKeepsItsType: Equals<
  Service['asyncMethod'],
  (id: string) => Promise<number>
> = true;
export const syncMethodKeepsItsType: Equals<
  Service['syncMethod'],
  (left: number, right: number) => number
> = true;
export const staticMethodKeepsItsType: Equals<
  (typeof Service)['staticMethod'],
  () => Promise<void>
> = true;

// The helper itself tells types apart.
export const equalsTellsApart: Equals<(text: string) => number, (text: string) => string> = false;

// --- What must not compile -------------------------------------------------------------------

export class Misplaced {
  // @ts-expect-error -- @Retry on a field
  @Retry() handler = async (): Promise<void> => {};

  // @ts-expect-error -- @Retry on a getter
  @Retry() get status(): string {
    return 'up';
  }

  // @ts-expect-error -- @Retry on a setter
  @Retry() set status(_value: string) {}

  // @ts-expect-error -- @Retry on an auto-accessor
  @Retry() accessor level = 1;

  // @ts-expect-error -- @RetryOnRateLimit on a field
  @RetryOnRateLimit() other = 1;

  // @ts-expect-error -- @RetryOnRateLimit on a getter
  @RetryOnRateLimit() get other2(): number {
    return 1;
  }

  // @ts-expect-error -- @RetryDefaults on a method
  @RetryDefaults({ maxAttempts: 2 }) method(): void {}

  // @ts-expect-error -- @Classified on a field
  @Classified(retryableOnly) field = 1;

  // @ts-expect-error -- @Classified on an auto-accessor
  @Classified(retryableOnly) accessor classifiedAccessor = 1;

  // @ts-expect-error -- @Retry without parentheses
  @Retry async noParentheses(): Promise<void> {}
}

// A synchronous generator runs after the call has returned: the decorators that wrap a method
// refuse it when the class is defined, and the types refuse it too.
export class SyncGenerators {
  // @ts-expect-error -- @Retry on a synchronous generator method
  @Retry() *numbers(): Generator<number> {
    yield 1;
  }

  // @ts-expect-error -- @RetryOnRateLimit on a synchronous generator method
  @RetryOnRateLimit() *throttled(): Generator<number> {
    yield 1;
  }

  // @ts-expect-error -- @CircuitBreaker on a synchronous generator method
  @CircuitBreaker() *guarded(): Generator<number> {
    yield 1;
  }

  // @ts-expect-error -- @Retry on a static synchronous generator method
  @Retry() static *numbersStatic(): Generator<number> {
    yield 1;
  }

  // A method that returns a value of any type, or never returns, is not refused.
  @Retry() untyped(): any {
    return 1;
  }

  @Retry() fails(): never {
    throw new Error('always');
  }

  // @Classified alone does not wrap the method: the run time accepts it on a generator.
  @Classified(retryableOnly) *classified(): Generator<number> {
    yield 1;
  }
}

// @ts-expect-error -- @Retry on a class
@Retry()
export class RetryOnClass {}

// @ts-expect-error -- @RetryOnRateLimit on a class
@RetryOnRateLimit()
export class RateLimitOnClass {}

export class BadOptions {
  // @ts-expect-error -- unknown option
  @Retry({ maxRetries: 3 }) unknownKey(): void {}

  // @ts-expect-error -- wrong type for maxAttempts
  @Retry({ maxAttempts: '3' }) wrongAttemptsType(): void {}

  // @ts-expect-error -- unknown jitter
  @Retry({ jitter: 'sometimes' }) unknownJitter(): void {}

  // @ts-expect-error -- retryOn takes classes or a predicate, not names
  @Retry({ retryOn: ['TimeoutError'] }) retryOnNames(): void {}

  // @ts-expect-error -- retryCategories takes ErrorCategory values
  @Retry({ retryCategories: ['retryable'] }) categoryStrings(): void {}

  // @ts-expect-error -- rate-limit retries are always jittered
  @RetryOnRateLimit({ jitter: 'none' }) noJitter(): void {}

  // @ts-expect-error -- rate-limit retries are always jittered
  @RetryOnRateLimit({ jitter: false }) jitterOff(): void {}

  // @ts-expect-error -- retryOn is a retry-lane option
  @RetryOnRateLimit({ retryOn: [Error] }) retryOnOnRateLimit(): void {}

  // @ts-expect-error -- a classifier returns an ErrorCategory or undefined, not a string
  @Classified((_error: unknown) => 'retryable') stringClassifier(): void {}

  // @ts-expect-error -- a classifier returns an ErrorCategory or undefined, not a boolean
  @Classified((_error: unknown) => true) booleanClassifier(): void {}

  // @ts-expect-error -- @Classified needs a function
  @Classified(ErrorCategory.RETRYABLE) categoryNotFunction(): void {}
}

// @ts-expect-error -- rate-limit defaults are always jittered too
@RetryDefaults({ rateLimit: { jitter: 'none' } })
export class RateLimitDefaultsWithoutJitter {}

// @ts-expect-error -- unknown option in the defaults
@RetryDefaults({ retries: 2 })
export class UnknownDefaults {}

// @ts-expect-error -- @RetryDefaults needs options
@RetryDefaults()
export class DefaultsWithoutOptions {}

// @ts-expect-error -- retryable keeps the signature: a number is not a string
retryingParse(42);

// @ts-expect-error -- retryable keeps the return type
export const notAString: string = retryingParse('1');
