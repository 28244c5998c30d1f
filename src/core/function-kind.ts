export type FunctionKind = 'plain' | 'async' | 'stream' | 'generator';

const asyncFunctionPrototype: unknown = Object.getPrototypeOf(async function () {});
const asyncGeneratorFunctionPrototype: unknown = Object.getPrototypeOf(async function* () {});
const generatorFunctionPrototype: unknown = Object.getPrototypeOf(function* () {});

/**
 * What kind of function this is, by its prototype. A plain function is judged per call by what
 * it returns (a promise is awaited, anything else stays synchronous); an `async` one is known to
 * answer with a promise before it is called.
 */
export function functionKind(fn: Function): FunctionKind {
  const prototype: unknown = Object.getPrototypeOf(fn);
  if (prototype === asyncFunctionPrototype) return 'async';
  if (prototype === asyncGeneratorFunctionPrototype) return 'stream';
  if (prototype === generatorFunctionPrototype) return 'generator';
  return 'plain';
}
