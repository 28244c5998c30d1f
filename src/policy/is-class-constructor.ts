/**
 * Whether a function is a class rather than a callback: declared with `class`, or an Error
 * constructor (built-in ones are not written as classes). Where a callback is expected, a class is
 * almost always a mistake: `retryOn: TimeoutError` instead of `[TimeoutError]`, or a decorator
 * factory applied without its parentheses.
 */
export function isClassConstructor(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const prototype: unknown = (value as { prototype?: unknown }).prototype;
  const isErrorConstructor =
    value === Error || (typeof prototype === 'object' && prototype !== null && Error.prototype.isPrototypeOf(prototype));
  return isErrorConstructor || /^class[\s{]/.test(Function.prototype.toString.call(value));
}
