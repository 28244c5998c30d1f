import { HttpError, Retry, retryable } from '../../src';
import { instantRetry, thrownBy } from '../decorators/failure-script';

// After a failure, tenacious looks through the call's arguments for an AbortSignal (an argument,
// or its `.signal` / `.abortSignal`). Those arguments belong to the caller and may be hostile; the
// look must not throw, or the caller gets the look's error instead of the method's.

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function throwingGetter(key: 'signal' | 'abortSignal'): object {
  return Object.defineProperty({}, key, {
    enumerable: true,
    get(): never {
      throw new Error(`getter "${key}" refused`);
    },
  });
}

const hostileArguments: ReadonlyArray<readonly [string, unknown]> = [
  ['a revoked Proxy', revokedProxy()],
  [
    'a Proxy whose get trap throws',
    new Proxy(
      {},
      {
        get(): never {
          throw new Error('get trap refused');
        },
      },
    ),
  ],
  ['an object whose signal getter throws', throwingGetter('signal')],
  ['an object whose abortSignal getter throws', throwingGetter('abortSignal')],
];

/** What a call rejected with; read the attempts only after it settled. */
async function rejectionOf(call: Promise<unknown>): Promise<{ readonly thrown: unknown }> {
  try {
    await call;
  } catch (thrown) {
    return { thrown };
  }
  throw new Error('expected the call to reject, but it resolved');
}

const failures: ReadonlyArray<readonly [string, number, number]> = [
  // [what fails, HTTP status, attempts expected with maxAttempts 3]
  ['a retryable failure', 503, 3],
  ['a non-retryable failure', 400, 1],
];

describe.each(failures)('%s', (_failure, status, expectedAttempts) => {
  it.each(hostileArguments)(
    'of an async method called with %s: rejects with its last error',
    async (_label, argument) => {
      const errors: HttpError[] = [];
      class Service {
        @Retry({ ...instantRetry, maxAttempts: 3 })
        async load(_options: unknown): Promise<string> {
          const error = new HttpError(status);
          errors.push(error);
          throw error;
        }
      }
      const { thrown } = await rejectionOf(new Service().load(argument));
      expect(thrown).toBe(errors.at(-1));
      expect(errors).toHaveLength(expectedAttempts);
    },
  );

  it.each(hostileArguments)(
    'of a synchronous retryable function called with %s: throws its last error',
    (_label, argument) => {
      const errors: HttpError[] = [];
      const load = retryable(
        (_options: unknown): string => {
          const error = new HttpError(status);
          errors.push(error);
          throw error;
        },
        { ...instantRetry, maxAttempts: 3 },
      );
      expect(thrownBy(() => load(argument))).toBe(errors.at(-1));
      expect(errors).toHaveLength(expectedAttempts);
    },
  );

  it.each(hostileArguments)(
    'of an async generator method called with %s: rejects with its last error',
    async (_label, argument) => {
      const errors: HttpError[] = [];
      class Service {
        @Retry({ ...instantRetry, maxAttempts: 3 })
        async *events(_options: unknown): AsyncGenerator<string> {
          const error = new HttpError(status);
          errors.push(error);
          throw error;
        }
      }
      const drain = async (): Promise<void> => {
        for await (const _event of new Service().events(argument)) {
          // never reached: the stream fails before its first event
        }
      };
      const { thrown } = await rejectionOf(drain());
      expect(thrown).toBe(errors.at(-1));
      expect(errors).toHaveLength(expectedAttempts);
    },
  );
});
