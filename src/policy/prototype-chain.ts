/**
 * More objects than any real prototype chain holds (a class hierarchy, an error's): only a Proxy
 * whose `getPrototypeOf` trap fakes a cycle, or makes a new object each time, gets this far.
 */
export const longestPrototypeChain = 10_000;

/**
 * `start` and its prototypes, nearest first, while they are objects (functions included). Past
 * `longestPrototypeChain` it throws a TypeError, so that no walk over a chain a Proxy fakes
 * (its `getPrototypeOf` trap returning itself) goes on for ever.
 */
export function* prototypeChain(start: unknown): Generator<object, void, undefined> {
  let current = start;
  for (let depth = 0; isObject(current); depth++) {
    if (depth === longestPrototypeChain) {
      throw new TypeError(
        `tenacious: a prototype chain goes on past ${longestPrototypeChain} objects (a Proxy whose getPrototypeOf trap makes a cycle?)`,
      );
    }
    yield current;
    current = Reflect.getPrototypeOf(current);
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
