import { HttpError, retryable } from '../../src';

// What a retried function returns comes back unchanged, whatever it is; a thenable, function or
// object, is a promise: its rejection is retried.

describe('a synchronous function', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['0', 0],
    ['an empty string', ''],
  ])('returns %s as it is', (_what, value) => {
    expect(retryable(() => value)()).toBe(value);
  });

  it('returns null as it is after a retry', () => {
    let calls = 0;
    const lookUp = retryable(
      () => {
        calls += 1;
        if (calls === 1) throw new HttpError(503);
        return null;
      },
      { initialDelay: 0 },
    );
    expect(lookUp()).toBeNull();
    expect(calls).toBe(2);
  });
});

describe('a thenable that is a function', () => {
  /** A function with a `then` method, as Promises/A+ allows: it settles like `promise`. */
  function thenableFunction(promise: Promise<string>): PromiseLike<string> {
    return Object.assign(() => undefined, {
      then: (onFulfilled?: (value: string) => unknown, onRejected?: (reason: unknown) => unknown) =>
        promise.then(onFulfilled, onRejected),
    }) as unknown as PromiseLike<string>;
  }

  it('is retried when it rejects', async () => {
    let calls = 0;
    const load = retryable(
      () => {
        calls += 1;
        return thenableFunction(
          calls === 1 ? Promise.reject(new HttpError(503)) : Promise.resolve('loaded'),
        );
      },
      { initialDelay: 0 },
    );
    await expect(Promise.resolve(load())).resolves.toBe('loaded');
    expect(calls).toBe(2);
  });
});
