import 'reflect-metadata';
import { ErrorCategory, Retry, type RetryOptions } from '../../src';
import { instantRetry, thrownBy } from '../decorators/failure-script';
import { nonErrorThrownValues } from '../reliability/hostile-values';

// ../reliability/non-error-throws with legacy `experimentalDecorators`: whatever a method throws
// comes back to the caller as is, after the retries run out and when it is not retried.

const retriedUntilExhausted: RetryOptions = {
  ...instantRetry,
  maxAttempts: 3,
  classifier: () => ErrorCategory.RETRYABLE,
};
const notRetried: RetryOptions = { ...instantRetry, maxAttempts: 3 };

const modes: ReadonlyArray<readonly [string, RetryOptions, number]> = [
  ['once the retries run out', retriedUntilExhausted, 3],
  ['when it is not retried', notRetried, 1],
];

/** Wrapped, because an async function returning a thrown thenable would adopt it. */
async function rejectionOf(call: () => Promise<unknown>): Promise<{ readonly thrown: unknown }> {
  try {
    await call();
  } catch (thrown) {
    return { thrown };
  }
  throw new Error('expected the call to reject, but it resolved');
}

describe.each(modes)('%s', (_mode, options, expectedAttempts) => {
  it.each(nonErrorThrownValues)('an async method rethrows %s itself', async (_label, value) => {
    let attempts = 0;
    class Service {
      @Retry(options)
      async load(): Promise<string> {
        attempts += 1;
        throw value;
      }
    }
    expect((await rejectionOf(() => new Service().load())).thrown).toBe(value);
    expect(attempts).toBe(expectedAttempts);
  });

  it.each(nonErrorThrownValues)('a synchronous method rethrows %s itself', (_label, value) => {
    let attempts = 0;
    class Service {
      @Retry(options)
      load(): string {
        attempts += 1;
        throw value;
      }
    }
    const service = new Service();
    expect(thrownBy(() => service.load())).toBe(value);
    expect(attempts).toBe(expectedAttempts);
  });

  it.each(nonErrorThrownValues)(
    'an async generator method rethrows %s itself before its first value',
    async (_label, value) => {
      let attempts = 0;
      class Service {
        @Retry(options)
        async *events(): AsyncGenerator<string> {
          attempts += 1;
          throw value;
        }
      }
      const drain = async (): Promise<void> => {
        for await (const _event of new Service().events()) {
          // never reached: the stream fails before its first event
        }
      };
      expect((await rejectionOf(drain)).thrown).toBe(value);
      expect(attempts).toBe(expectedAttempts);
    },
  );
});
