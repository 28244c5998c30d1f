// Type-level tests for options typed by the decorated method's result, with legacy
// `experimentalDecorators` + `emitDecoratorMetadata` (tsconfig.legacy.json). Not run by jest:
// `npm run typecheck` compiles this file. Plain lines must compile; a line under
// `// @ts-expect-error` must not.
import 'reflect-metadata';
import { Retry, RetryDefaults, RetryOnRateLimit, retryable, type RetryOptions } from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

interface Reply {
  status: number;
  body: string;
}

const sharedWithPredicate: RetryOptions = { retryOnResult: (result) => result === undefined };
const replyOptions: RetryOptions<Reply> = { retryOnResult: (reply) => reply.status === 503 };

// --- What must compile ---------------------------------------------------------------------

@RetryDefaults({ retryOnResult: (result) => result === null })
export class Client {
  @Retry({ retryOnResult: (response: { status: number }) => response.status === 429 })
  async send(): Promise<{ status: number }> {
    return { status: 200 };
  }

  @Retry({ retryOnResult: (reply: { status: number }) => reply.status === 429 })
  promiseMethod(): Promise<Reply> {
    return Promise.resolve({ status: 200, body: '' });
  }

  @Retry({ retryOnResult: (count: number) => count === 0, initialDelay: 0 })
  syncMethod(): number {
    return 1;
  }

  @Retry({ retryOnResult: (reply: Reply) => reply.status === 429 })
  static async staticMethod(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ retryOnResult: (result) => result === undefined })
  async unannotated(): Promise<void> {}

  @Retry(replyOptions)
  async typedShared(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  @Retry({ maxAttempts: 2 })
  async *stream(): AsyncGenerator<string> {
    yield '';
  }

  @Retry(sharedWithPredicate)
  async *streamShared(): AsyncGenerator<string> {
    yield '';
  }

  @RetryOnRateLimit()
  @Retry({ retryOnResult: (reply: Reply) => reply.status === 503 })
  async stacked(): Promise<Reply> {
    return { status: 200, body: '' };
  }
}

export const sendKeepsItsType: Equals<Client['send'], () => Promise<{ status: number }>> = true;

export const retryingFetch = retryable(async (id: string) => ({ status: id.length }), {
  retryOnResult: (reply) => reply.status === 429,
});

// --- What must not compile -------------------------------------------------------------------

export class WrongPredicates {
  // @ts-expect-error -- the predicate takes a string, the method resolves to { status }
  @Retry({ retryOnResult: (text: string) => text === '' })
  async asyncMethod(): Promise<{ status: number }> {
    return { status: 200 };
  }

  // @ts-expect-error -- the predicate is given what the promise resolves to
  @Retry({ retryOnResult: (reply: Promise<Reply>) => reply instanceof Promise })
  async promiseInPredicate(): Promise<Reply> {
    return { status: 200, body: '' };
  }

  // @ts-expect-error -- a synchronous method's result is a number, not a string
  @Retry({ retryOnResult: (text: string) => text === '' })
  syncMethod(): number {
    return 1;
  }

  // @ts-expect-error -- on a static method too
  @Retry({ retryOnResult: (text: string) => text === '' })
  static staticMethod(): number {
    return 1;
  }

  // @ts-expect-error -- retryOnResult is never called for a stream
  @Retry({ retryOnResult: (result) => result === undefined })
  async *stream(): AsyncGenerator<string> {
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

retryable((text: string) => text.length, {
  // @ts-expect-error -- retryable: a synchronous function's result is a number
  retryOnResult: (text: string) => text === '',
});

// --- onSuccess is typed by the same Result as retryOnResult, in legacy mode too ---------------

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
}
