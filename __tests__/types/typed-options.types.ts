// Type-level tests for options typed by the decorated method's result (TC39 standard decorators,
// tsconfig.json). Not run by jest: `npm run typecheck` compiles this file. Plain lines must
// compile; a line under `// @ts-expect-error` must not (an unused @ts-expect-error is an error).
import {
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  retryable,
  withRetry,
  type BackoffDelayOptions,
  calculateBackoffDelay,
  type FunctionRetryOptions,
  type RetryOptions,
} from '../../src';
import { fetch as undiciFetch, type Response as UndiciResponse } from 'undici';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

interface Reply {
  status: number;
  body: string;
}

const sharedOptions: RetryOptions = { maxAttempts: 2 };
const sharedWithPredicate: RetryOptions = { retryOnResult: (result) => result === undefined };
const replyOptions: RetryOptions<Reply> = { retryOnResult: (reply) => reply.status === 503 };

// --- What must compile ---------------------------------------------------------------------

export class Client {
  // The example: the predicate takes the awaited result.
  @Retry({ retryOnResult: (response: { status: number }) => response.status === 429 })
  async send(): Promise<{ status: number }> {
    return { status: 200 };
  }

  // A predicate for part of the result (a supertype) is fine.
  @Retry({ retryOnResult: (reply: { status: number }) => reply.status === 429 })
  promiseMethod(): Promise<Reply> {
    return Promise.resolve({ status: 200, body: '' });
  }

  // A synchronous method: the predicate takes the plain result.
  @Retry({ retryOnResult: (count: number) => count === 0, initialDelay: 0 })
  syncMethod(): number {
    return 1;
  }

  // A method that sometimes returns a promise: the predicate takes either result.
  @Retry({ retryOnResult: (result: string | number) => result === 0 })
  mixedMethod(flag: boolean): Promise<string> | number {
    return flag ? Promise.resolve('') : 0;
  }

  // An unannotated predicate takes `unknown` and suits any method that is not a stream.
  @Retry({ retryOnResult: (result) => result === undefined })
  async unannotated(): Promise<void> {}

  @Retry({ retryOnResult: (reply: Reply) => reply.status === 429 })
  static async staticMethod(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ retryOnResult: (reply: Reply) => reply.status === 429 })
  async #privateMethod(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  runPrivate(): Promise<Reply> {
    return this.#privateMethod();
  }

  // Options made elsewhere: typed for the result, or shared (`unknown`) by any method.
  @Retry(replyOptions)
  async typedShared(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry(sharedWithPredicate)
  syncShared(): string {
    return '';
  }

  // Streams take options without a predicate, and shared options (whose predicate never runs).
  @Retry({ maxAttempts: 2 })
  async *stream(): AsyncGenerator<string> {
    yield '';
  }

  @Retry(sharedWithPredicate)
  async *streamShared(): AsyncGenerator<string> {
    yield '';
  }

  @Retry(sharedOptions)
  @RetryOnRateLimit()
  async *streamStacked(): AsyncGenerator<number> {
    yield 1;
  }

  // Stacked with the rate-limit lane, in either order.
  @RetryOnRateLimit({ maxAttempts: 6 })
  @Retry({ retryOnResult: (reply: Reply) => reply.status === 503 })
  async stackedA(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ retryOnResult: (reply: Reply) => reply.status === 503 })
  @RetryOnRateLimit()
  async stackedB(): Promise<Reply> {
    return { status: 200, body: '' };
  }
}

// The decorators do not change a method's type.
export const sendKeepsItsType: Equals<Client['send'], () => Promise<{ status: number }>> = true;
export const mixedKeepsItsType: Equals<
  Client['mixedMethod'],
  (flag: boolean) => Promise<string> | number
> = true;

// Class defaults apply to every method: their predicate takes `unknown`.
@RetryDefaults({ retryOnResult: (result) => result === null })
export class WithDefaults {
  @Retry({ retryOnResult: (reply: Reply) => reply.status === 503 })
  async call(): Promise<Reply> {
    return { status: 200, body: '' };
  }
}

// withRetry: the predicate is typed by fn's awaited result, annotated or not.
declare function fetchReply(): Promise<Reply>;
export const inferred = withRetry(() => fetchReply(), {
  retryOnResult: (reply) => reply.status === 429,
});
export const inferredKeepsItsType: Equals<typeof inferred, Promise<Reply>> = true;
export const annotated = withRetry(fetchReply, {
  retryOnResult: (reply: { status: number }) => reply.status === 429,
  rateLimit: { maxAttempts: 4 },
});
export const annotatedKeepsItsType: Equals<typeof annotated, Promise<Reply>> = true;
export const synchronous = withRetry(() => 3, { retryOnResult: (count) => count < 3 });
export const withShared = withRetry(fetchReply, sharedWithPredicate);
export const withTypedShared = withRetry(fetchReply, replyOptions);

// retryable: the same, and the function keeps its type.
export const retryingFetch = retryable(async (id: string) => ({ status: id.length }), {
  retryOnResult: (reply) => reply.status === 429,
});
export const retryingFetchKeepsItsType: Equals<
  typeof retryingFetch,
  (id: string) => Promise<{ status: number }>
> = true;
export const retryingCount = retryable((text: string) => text.length, {
  retryOnResult: (length: number) => length === 0,
});
async function* events(topic: string): AsyncGenerator<string> {
  yield topic;
}
export const retryingEvents = retryable(events, { maxAttempts: 2, rateLimit: {} });
export const retryingEventsKeepsItsType: Equals<
  typeof retryingEvents,
  (topic: string) => AsyncGenerator<string>
> = true;
const sharedFunctionOptions: FunctionRetryOptions = { retryOnResult: () => false };
export const retryingEventsShared = retryable(events, sharedFunctionOptions);

// The README's example ("Typed predicates").
const base = 'http://127.0.0.1:8080';
export class Search {
  @Retry({ retryOnResult: (response: { status: number }) => response.status === 429 })
  async query(text: string): Promise<Response> {
    return fetch(`${base}/search?q=${text}`);
  }
}
export const page = withRetry(() => fetch(base), {
  retryOnResult: (response) => response.status === 503,
});
export const pageIsAResponse: Equals<typeof page, Promise<Response>> = true;

// DESIGN.md's own example, `(r: Response) => r.status === 429`, with fetch's Response and undici's.
export class ContractExample {
  @Retry({ retryOnResult: (r: Response) => r.status === 429 })
  async fetchPage(): Promise<Response> {
    return fetch(base);
  }

  @Retry({ retryOnResult: (r: UndiciResponse) => r.status === 429 })
  async fetchWithUndici(): Promise<UndiciResponse> {
    return undiciFetch(base);
  }
}
export const contractPage = withRetry(() => fetch(base), {
  retryOnResult: (r: Response) => r.status === 429,
});
export const contractRetryingFetch = retryable((path: string) => undiciFetch(base + path), {
  retryOnResult: (r: UndiciResponse) => r.status === 429,
});

// --- What must not compile -------------------------------------------------------------------

export class WrongPredicates {
  // @ts-expect-error -- the predicate takes a string, the method resolves to { status }
  @Retry({ retryOnResult: (text: string) => text === '' })
  async asyncMethod(): Promise<{ status: number }> {
    return { status: 200 };
  }

  // @ts-expect-error -- the predicate needs a field the result does not have
  @Retry({ retryOnResult: (reply: Reply) => reply.body === '' })
  promiseMethod(): Promise<{ status: number }> {
    return Promise.resolve({ status: 200 });
  }

  // @ts-expect-error -- the predicate takes a promise; it is given what the promise resolves to
  @Retry({ retryOnResult: (reply: Promise<Reply>) => reply instanceof Promise })
  async promiseInPredicate(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  // @ts-expect-error -- a synchronous method's result is a number, not a string
  @Retry({ retryOnResult: (text: string) => text === '' })
  syncMethod(): number {
    return 1;
  }

  // @ts-expect-error -- a method that may return a number needs a predicate that takes one
  @Retry({ retryOnResult: (text: string) => text === '' })
  mixedMethod(flag: boolean): Promise<string> | number {
    return flag ? Promise.resolve('') : 0;
  }

  // @ts-expect-error -- retryOnResult is never called for a stream
  @Retry({ retryOnResult: (result) => result === undefined })
  async *stream(): AsyncGenerator<string> {
    yield '';
  }

  // @ts-expect-error -- nor for its values
  @Retry({ retryOnResult: (value: string) => value === '' })
  async *streamValues(): AsyncGenerator<string> {
    yield '';
  }

  // @ts-expect-error -- options typed for another result
  @Retry(replyOptions)
  async otherResult(): Promise<string> {
    return '';
  }

  // @ts-expect-error -- the rate-limit lane has no retryOnResult
  @RetryOnRateLimit({ retryOnResult: () => true })
  async rateLimited(): Promise<void> {}
}

// @ts-expect-error -- class defaults cover every method: their predicate must take unknown
@RetryDefaults({ retryOnResult: (reply: Reply) => reply.status === 503 })
export class TypedDefaults {}

// @ts-expect-error -- withRetry: fn resolves to Reply, not a string
withRetry(fetchReply, { retryOnResult: (text: string) => text === '' });

// @ts-expect-error -- withRetry: a synchronous fn's result is a number
withRetry(() => 1, { retryOnResult: (text: string) => text === '' });

// @ts-expect-error -- withRetry: options typed for another result
withRetry(() => 'text', replyOptions);

// @ts-expect-error -- withRetry: an inferred predicate still checks its use of the result
withRetry(fetchReply, { retryOnResult: (reply) => reply.code === 1 });

retryable(async (id: string) => ({ status: id.length }), {
  // @ts-expect-error -- retryable: the function resolves to { status }, not a string
  retryOnResult: (text: string) => text === '',
});

retryable((text: string) => text.length, {
  // @ts-expect-error -- retryable: a synchronous function's result is a number
  retryOnResult: (text: string) => text === '',
});

retryable(events, {
  // @ts-expect-error -- retryable: retryOnResult is never called for a stream
  retryOnResult: () => true,
});

// @ts-expect-error -- retryable: options typed for another result
retryable(async () => 'text', replyOptions);
// @ts-expect-error -- withRetry: the predicate is given what the promise resolves to
withRetry(fetchReply, { retryOnResult: (reply: Promise<Reply>) => reply instanceof Promise });

// --- onSuccess is typed by the same Result as retryOnResult ----------------------------------

export class SuccessListeners {
  @Retry({ onSuccess: (reply: Reply, attempts: number) => void [reply.status, attempts] })
  async send(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ onSuccess: (count: number) => void count })
  syncMethod(): number {
    return 1;
  }

  // @ts-expect-error -- onSuccess takes a string, the method resolves to Reply
  @Retry({ onSuccess: (text: string) => void text })
  async wrongListener(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  // @ts-expect-error -- onSuccess is given what the promise resolves to, not the promise
  @Retry({ onSuccess: (reply: Promise<Reply>) => void reply })
  async promiseListener(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ onSuccess: (value: unknown) => void value })
  async *stream(): AsyncGenerator<string> {
    yield '';
  }
}

export const toldReply = withRetry(fetchReply, { onSuccess: (reply) => void reply.status });
export const toldCount = retryable((text: string) => text.length, {
  onSuccess: (length: number, attempts: number) => void (length + attempts),
});

// @ts-expect-error -- withRetry: onSuccess is given what the promise resolves to
withRetry(fetchReply, { onSuccess: (reply: Promise<Reply>) => void reply });

// @ts-expect-error -- withRetry: an inferred listener still checks its use of the result
withRetry(fetchReply, { onSuccess: (reply) => void reply.code });

// --- calculateBackoffDelay takes the backoff fields only -----------------------------------

calculateBackoffDelay(3, { jitter: 'none' });
calculateBackoffDelay(2, { initialDelay: 100, maxDelay: 1_000, exponentialBase: 3 });
calculateBackoffDelay(2, { jitter: 'decorrelated', previousDelay: 300, random: () => 0.5 });
const backoffOnly: BackoffDelayOptions = { jitter: 'equal' };
calculateBackoffDelay(2, backoffOnly);
// @ts-expect-error -- a RetryOptions holds keys it refuses at run time ("unknown option")
calculateBackoffDelay(2, sharedOptions);
const retryFieldsToo = { jitter: 'none', maxAttempts: 4 } as const;
// @ts-expect-error -- nor any other key
calculateBackoffDelay(2, retryFieldsToo);
// One of two objects whose keys differ: each holds backoff fields only.
const steady = Math.random() < 0.5;
const eitherBackoff = steady ? { jitter: 'none' as const } : { initialDelay: 500 };
calculateBackoffDelay(2, eitherBackoff);
const eitherWithRetryField = steady ? { jitter: 'none' as const } : { maxAttempts: 4 };
// @ts-expect-error -- one of them holds another key
calculateBackoffDelay(2, eitherWithRetryField);
