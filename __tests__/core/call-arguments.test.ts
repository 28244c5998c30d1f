import { HttpError, Retry, retryable } from '../../src';

// The first attempt forwards the wrapper's `arguments`; after it, up to three travel one by one
// and more as a list (src/core/fast-path/call-arguments.ts). Every attempt must still see exactly the
// arguments of the call, however many there are and whatever made it retry.

const argumentLists: readonly (readonly unknown[])[] = [
  [],
  ['a'],
  ['a', undefined],
  [undefined, undefined, undefined],
  ['a', 'b', 'c'],
  ['a', 'b', 'c', 'd'],
  [1, 2, 3, 4, 5, 6, 7],
];

// With a deadline the first attempt's handler also keeps the start time (rejection-handlers.ts).
const policies = [
  ['without a deadline', { initialDelay: 0, maxDelay: 0, maxAttempts: 3 }],
  ['with a deadline', { initialDelay: 0, maxDelay: 0, maxAttempts: 3, deadline: 60_000 }],
] as const;

/** Records the `arguments` and `this` of each attempt; the first attempt fails. */
function recordingAttempts() {
  const seen: { readonly thisArg: unknown; readonly args: unknown[] }[] = [];
  return {
    seen,
    syncAttempt(this: unknown, ...args: unknown[]): number {
      seen.push({ thisArg: this, args });
      if (seen.length === 1) throw new HttpError(503);
      return args.length;
    },
  };
}

describe.each(
  policies.flatMap(([policyName, immediate]) =>
    argumentLists.map((args) => [args.length, policyName, args, immediate] as const),
  ),
)('a call with %i arguments, %s', (_count, _policyName, args, immediate) => {
  it('a synchronous function sees them all, exactly, on every attempt', () => {
    const { seen, syncAttempt } = recordingAttempts();
    const thisArg = { name: 'receiver' };
    const call = retryable(syncAttempt, immediate);
    expect(Reflect.apply(call, thisArg, args)).toBe(args.length);
    expect(seen).toEqual([
      { thisArg, args },
      { thisArg, args },
    ]);
    expect(seen[1].thisArg).toBe(thisArg);
    expect(seen.map((attempt) => attempt.args.length)).toEqual([args.length, args.length]);
  });

  it('an async function sees them all, exactly, on every attempt', async () => {
    const { seen, syncAttempt } = recordingAttempts();
    const call = retryable(async function (this: unknown, ...received: unknown[]) {
      return Reflect.apply(syncAttempt, this, received);
    }, immediate);
    await expect(Reflect.apply(call, undefined, args)).resolves.toBe(args.length);
    expect(seen.map((attempt) => attempt.args)).toEqual([args, args]);
    expect(seen.map((attempt) => attempt.args.length)).toEqual([args.length, args.length]);
  });

  it('a decorated method sees them all through `arguments`, on every attempt', async () => {
    class Service {
      readonly lengths: number[] = [];
      @Retry(immediate)
      async take(): Promise<unknown[]> {
        // eslint-disable-next-line prefer-rest-params
        const received = Array.from(arguments);
        this.lengths.push(received.length);
        if (this.lengths.length === 1) throw new HttpError(503);
        return received;
      }
    }
    const service = new Service();
    await expect(Reflect.apply(service.take, service, args)).resolves.toEqual(args);
    expect(service.lengths).toEqual([args.length, args.length]);
  });

  it('a synchronous result retried by retryOnResult is retried with them all', () => {
    const seen: unknown[][] = [];
    const call = retryable(
      (...received: unknown[]) => {
        seen.push(received);
        return seen.length;
      },
      { ...immediate, retryOnResult: (result: unknown) => result === 1 },
    );
    expect(Reflect.apply(call, undefined, args)).toBe(2);
    expect(seen).toEqual([args, args]);
    expect(seen.map((received) => received.length)).toEqual([args.length, args.length]);
  });

  it('an asynchronous result retried by retryOnResult is retried with them all', async () => {
    const seen: unknown[][] = [];
    const call = retryable(
      async (...received: unknown[]) => {
        seen.push(received);
        return seen.length;
      },
      { ...immediate, retryOnResult: (result: unknown) => result === 1 },
    );
    await expect(Reflect.apply(call, undefined, args)).resolves.toBe(2);
    expect(seen).toEqual([args, args]);
    expect(seen.map((received) => received.length)).toEqual([args.length, args.length]);
  });
});
