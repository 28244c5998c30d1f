/**
 * Whether a function is a class rather than a callback: declared with `class`, or an Error
 * constructor (built-in ones are not written as classes). Where a callback is expected, a class is
 * almost always a mistake: `retryOn: TimeoutError` instead of `[TimeoutError]`, or a decorator
 * factory applied without its parentheses.
 */
export function isClassConstructor(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  // Arrow functions, methods and async functions have no prototype, so cannot be classes: the
  // common callback is answered without reading its source.
  if (prototype === undefined) return false;
  let answer = answers.get(value);
  if (answer === undefined) {
    const isErrorConstructor =
      value === Error ||
      (typeof prototype === 'object' &&
        prototype !== null &&
        Object.prototype.isPrototypeOf.call(Error.prototype, prototype));
    answer = isErrorConstructor || /^class[\s{]/.test(Function.prototype.toString.call(value));
    answers.set(value, answer);
  }
  return answer;
}

/** A function's source cannot change, so its answer is kept: `withRetry` validates on every call. */
const answers = new WeakMap<Function, boolean>();
