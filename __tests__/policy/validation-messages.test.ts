import { retryable, type FunctionRetryOptions } from '../../src';

// Every rejected option's message says what was expected and shows the value that was given, so
// the mistake can be fixed from the message alone.

/** The error `retryable` throws for these options; fails the test when it throws nothing. */
function rejectionOf(options: unknown): Error {
  try {
    retryable(() => 'never called', options as FunctionRetryOptions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the options were accepted');
}

class Logger {}

function anonymous(): () => void {
  const callback = (): void => undefined;
  Object.defineProperty(callback, 'name', { value: '' });
  return callback;
}

function revoked<Target extends object>(target: Target): Target {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

const cyclic: Record<string, unknown> = { retries: 3 };
cyclic.self = cyclic;
// Neither JSON nor String() can render it (String needs a toString to call).
const cyclicWithoutPrototype: Record<string, unknown> = Object.create(null);
cyclicWithoutPrototype.self = cyclicWithoutPrototype;

describe('a rejected option says what was expected', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'initialDelay that is not a number',
      { initialDelay: '5' },
      'option "initialDelay" must be a number of milliseconds, got "5"',
    ],
    [
      'deadline that is not a number',
      { deadline: '5' },
      'option "deadline" must be a number of milliseconds, got "5"',
    ],
    [
      'exponentialBase that is not a number',
      { exponentialBase: '2' },
      'option "exponentialBase" must be a number > 1, got "2"',
    ],
    [
      'respectRetryAfter that is not a boolean',
      { respectRetryAfter: 'yes' },
      'option "respectRetryAfter" must be true or false, got "yes"',
    ],
    [
      'a class as a callback',
      { onRetry: Logger },
      'option "onRetry" must be a function, not a class, got [function Logger]',
    ],
    [
      'signal that is neither a signal nor a function',
      { signal: 'abort' },
      'option "signal" must be an AbortSignal or a function (args) => AbortSignal | undefined, got "abort"',
    ],
    [
      'signal that lacks one of the members a signal has',
      { signal: { aborted: false, addEventListener: () => undefined } },
      'option "signal" must be an AbortSignal or a function (args) => AbortSignal | undefined (this object looks like a signal, but its "removeEventListener" is not a function), got {"aborted":false}',
    ],
    [
      'signal whose aborted is not a boolean',
      { signal: { aborted: 'no', addEventListener() {}, removeEventListener() {} } },
      'option "signal" must be an AbortSignal or a function (args) => AbortSignal | undefined (this object looks like a signal, but its "aborted" is not a boolean), got {"aborted":"no"}',
    ],
    [
      'rateLimit that is null',
      { rateLimit: null },
      'option "rateLimit" must be an object of rate-limit options, got null',
    ],
  ])('%s', (_label, options, message) => {
    const error = rejectionOf(options);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`retryable: ${message}`);
  });

  it('names a non-numeric initialDelay rather than comparing maxDelay with it', () => {
    // maxDelay comes first, and 100 < '5000' would hold if the comparison ran.
    const error = rejectionOf({ maxDelay: 100, initialDelay: '5000' });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      'retryable: option "initialDelay" must be a number of milliseconds, got "5000"',
    );
  });

  it('rejects an object with Symbol.hasInstance among the retryOn classes', () => {
    const matchesEverything = { [Symbol.hasInstance]: () => true };
    const error = rejectionOf({ retryOn: [matchesEverything] });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(
      /^retryable: option "retryOn" must be an array of error classes, got /,
    );
  });
});

describe('a rejected option shows the value given', () => {
  it.each<[string, unknown, string]>([
    ['an anonymous function', anonymous(), '[function]'],
    ['a cyclic object', cyclic, '[object Object]'],
    ['a cyclic object without a prototype', cyclicWithoutPrototype, '[object Object]'],
    ['a revoked Proxy', revoked({}), '[object]'],
    ['a revoked Proxy of a function', revoked(function named() {}), '[function]'],
  ])('%s', (_label, value, shown) => {
    const error = rejectionOf({ maxAttempts: value });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      `retryable: option "maxAttempts" must be an integer >= 1, got ${shown}`,
    );
  });
});

describe('a callback whose source mentions a class', () => {
  it('is still a callback', () => {
    const gaveUp: unknown[] = [];
    // Written as a function, not jest.fn(), so that its own source is what gets looked at.
    function report(error: unknown): void {
      gaveUp.push(`gave up on a subclass {${String(error)}}`);
    }
    const failing = retryable(
      () => {
        throw new Error('not retryable');
      },
      { onGiveUp: report },
    );
    expect(() => failing()).toThrow('not retryable');
    expect(gaveUp).toEqual(['gave up on a subclass {Error: not retryable}']);
  });
});
