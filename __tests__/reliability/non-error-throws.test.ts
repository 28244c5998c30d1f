import {
  ErrorCategory,
  Retry,
  RetryContext,
  RetryOnRateLimit,
  retryable,
  withRetry,
  type RetryOptions,
} from '../../src';
import { instantRateLimit, instantRetry, thrownBy } from '../decorators/failure-script';
import { nonErrorThrownValues } from './hostile-values';

// Whatever user code throws, the caller gets that very value back: after the retries run out, and
// when it is not retried at all. Every entry point, standard decorators (legacy: ../legacy).

/** What came out of one call: the value it threw or rejected with, and how many attempts ran. */
interface Outcome {
  readonly thrown: unknown;
  readonly attempts: number;
}

type Runner = (value: unknown, options: RetryOptions) => Promise<Outcome>;

/** Awaits a call that must reject; `attempts()` is read after it settled. */
async function rejectionOf(call: Promise<unknown>, attempts: () => number): Promise<Outcome> {
  try {
    await call;
  } catch (thrown) {
    return { thrown, attempts: attempts() };
  }
  throw new Error('expected the call to reject, but it resolved');
}

/** Runs a call that must throw synchronously (not return a promise). */
function synchronousThrowOf(call: () => unknown, attempts: () => number): Promise<Outcome> {
  const thrown = thrownBy(call);
  return Promise.resolve({ thrown, attempts: attempts() });
}

/** Drains a stream that must reject before its first value. */
async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of stream) values.push(value);
  return values;
}

const runners: ReadonlyArray<readonly [string, Runner]> = [
  [
    'an async method',
    (value, options) => {
      let attempts = 0;
      class Service {
        @Retry(options)
        async load(): Promise<string> {
          attempts += 1;
          throw value;
        }
      }
      return rejectionOf(new Service().load(), () => attempts);
    },
  ],
  [
    'an async method with @Retry and @RetryOnRateLimit',
    (value, options) => {
      let attempts = 0;
      class Service {
        @Retry(options)
        @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 3 })
        async load(): Promise<string> {
          attempts += 1;
          throw value;
        }
      }
      return rejectionOf(new Service().load(), () => attempts);
    },
  ],
  [
    'a synchronous method',
    (value, options) => {
      let attempts = 0;
      class Service {
        @Retry(options)
        load(): string {
          attempts += 1;
          throw value;
        }
      }
      const service = new Service();
      return synchronousThrowOf(
        () => service.load(),
        () => attempts,
      );
    },
  ],
  [
    'an async generator method, before its first value',
    (value, options) => {
      let attempts = 0;
      class Service {
        @Retry(options)
        async *events(): AsyncGenerator<string> {
          attempts += 1;
          throw value;
        }
      }
      return rejectionOf(drain(new Service().events()), () => attempts);
    },
  ],
  [
    'withRetry of a function that rejects',
    (value, options) => {
      let attempts = 0;
      return rejectionOf(
        withRetry(async () => {
          attempts += 1;
          throw value;
        }, options),
        () => attempts,
      );
    },
  ],
  [
    'withRetry of a function that throws synchronously',
    (value, options) => {
      let attempts = 0;
      return rejectionOf(
        withRetry(() => {
          attempts += 1;
          throw value;
        }, options),
        () => attempts,
      );
    },
  ],
  [
    'withRetry with a rate-limit lane',
    (value, options) => {
      let attempts = 0;
      return rejectionOf(
        withRetry(
          async () => {
            attempts += 1;
            throw value;
          },
          { ...options, rateLimit: { ...instantRateLimit, maxAttempts: 3 } },
        ),
        () => attempts,
      );
    },
  ],
  [
    'retryable of an async function',
    (value, options) => {
      let attempts = 0;
      const load = retryable(async (_id: number): Promise<string> => {
        attempts += 1;
        throw value;
      }, options);
      return rejectionOf(load(1), () => attempts);
    },
  ],
  [
    'retryable of a synchronous function',
    (value, options) => {
      let attempts = 0;
      const load = retryable((_id: number): string => {
        attempts += 1;
        throw value;
      }, options);
      return synchronousThrowOf(
        () => load(1),
        () => attempts,
      );
    },
  ],
  [
    'retryable of an async generator, before its first value',
    (value, options) => {
      let attempts = 0;
      const events = retryable(async function* (): AsyncGenerator<string> {
        attempts += 1;
        throw value;
      }, options);
      return rejectionOf(drain(events()), () => attempts);
    },
  ],
  [
    'RetryContext with for await',
    (value, options) => {
      const context = new RetryContext(options);
      let attempts = 0;
      const loop = async (): Promise<void> => {
        for await (const _attempt of context) {
          attempts += 1;
          context.recordFailure(value);
        }
      };
      return rejectionOf(loop(), () => attempts);
    },
  ],
  [
    'RetryContext with for...of',
    (value, options) => {
      const context = new RetryContext(options);
      let attempts = 0;
      return synchronousThrowOf(
        () => {
          for (const _attempt of context) {
            attempts += 1;
            context.recordFailure(value);
          }
        },
        () => attempts,
      );
    },
  ],
  [
    'RetryContext with recordFailure and wait()',
    (value, options) => {
      const context = new RetryContext(options);
      let attempts = 0;
      const loop = async (): Promise<void> => {
        for (;;) {
          attempts += 1;
          context.recordFailure(value);
          await context.wait();
        }
      };
      return rejectionOf(loop(), () => attempts);
    },
  ],
];

const retriedUntilExhausted: RetryOptions = {
  ...instantRetry,
  maxAttempts: 3,
  classifier: () => ErrorCategory.RETRYABLE,
};
// No classifier: the built-in one knows none of these values, so they are NON_RETRYABLE.
const notRetried: RetryOptions = { ...instantRetry, maxAttempts: 3 };

describe.each(runners)('%s', (_entryPoint, run) => {
  it.each(nonErrorThrownValues)(
    'rethrows %s itself once the retries run out',
    async (_label, value) => {
      const outcome = await run(value, retriedUntilExhausted);
      expect(outcome.thrown).toBe(value);
      expect(outcome.attempts).toBe(3);
    },
  );

  it.each(nonErrorThrownValues)(
    'rethrows %s itself when it is not retried',
    async (_label, value) => {
      const outcome = await run(value, notRetried);
      expect(outcome.thrown).toBe(value);
      expect(outcome.attempts).toBe(1);
    },
  );
});

describe('a stream that fails after its first value', () => {
  const streams: ReadonlyArray<
    readonly [
      string,
      (value: unknown) => {
        readonly stream: AsyncIterable<string>;
        readonly attempts: () => number;
      },
    ]
  > = [
    [
      'an async generator method',
      (value) => {
        let attempts = 0;
        class Service {
          @Retry(retriedUntilExhausted)
          async *events(): AsyncGenerator<string> {
            attempts += 1;
            yield 'first';
            throw value;
          }
        }
        return { stream: new Service().events(), attempts: () => attempts };
      },
    ],
    [
      'retryable of an async generator',
      (value) => {
        let attempts = 0;
        const events = retryable(async function* (): AsyncGenerator<string> {
          attempts += 1;
          yield 'first';
          throw value;
        }, retriedUntilExhausted);
        return { stream: events(), attempts: () => attempts };
      },
    ],
  ];

  describe.each(streams)('%s', (_entryPoint, start) => {
    it.each(nonErrorThrownValues)(
      'rethrows %s itself after the value, with no new attempt',
      async (_label, value) => {
        const { stream, attempts } = start(value);
        const received: string[] = [];
        const outcome = await rejectionOf(
          (async () => {
            for await (const item of stream) received.push(item);
          })(),
          attempts,
        );
        expect(received).toEqual(['first']);
        expect(outcome.thrown).toBe(value);
        expect(outcome.attempts).toBe(1);
      },
    );
  });
});
