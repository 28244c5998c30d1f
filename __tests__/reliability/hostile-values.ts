/**
 * Things user code may throw that are not Error objects, each of which the retry loop must rethrow
 * as is (the same value, `toBe`). Shared by the standard- and legacy-mode suites: no decorators here.
 */

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Every trap throws: reading a property, `in`, `instanceof` (getPrototypeOf), listing keys. */
function proxyWhoseTrapsThrow(): object {
  const refuse = (): never => {
    throw new Error('trap refused');
  };
  return new Proxy(
    {},
    {
      get: refuse,
      has: refuse,
      getPrototypeOf: refuse,
      ownKeys: refuse,
      getOwnPropertyDescriptor: refuse,
    },
  );
}

/** Getters that throw where the classifier looks first. */
const objectWithThrowingGetters = Object.defineProperties(
  {},
  Object.fromEntries(
    ['name', 'code', 'message', 'status', 'statusCode', 'cause', 'errors', '$metadata'].map(
      (key) => [
        key,
        {
          enumerable: true,
          get(): never {
            throw new Error(`getter "${key}" refused`);
          },
        },
      ],
    ),
  ),
);

/** [label, value] pairs; no value here is an Error, and the built-in classifier retries none of them. */
export const nonErrorThrownValues: ReadonlyArray<readonly [string, unknown]> = [
  ['a string', 'connection lost'],
  ['an empty string', ''],
  ['undefined', undefined],
  ['null', null],
  ['zero', 0],
  ['a number', 503],
  ['NaN', Number.NaN],
  ['a bigint', 10n],
  ['false', false],
  ['a symbol', Symbol('failure')],
  ['a plain object', { reason: 'quota' }],
  ['a frozen object', Object.freeze({ reason: 'frozen', nested: Object.freeze({ depth: 1 }) })],
  ['an object without a prototype', Object.create(null) as object],
  ['an object whose getters throw', objectWithThrowingGetters],
  ['a function', function thrownFunction(): void {}],
  ['a thenable', { then(): void {} }],
  ['an array', ['first', 'second']],
  ['a revoked Proxy', revokedProxy()],
  ['a Proxy whose traps throw', proxyWhoseTrapsThrow()],
];
