export type FunctionKind = 'plain' | 'stream' | 'generator';

const asyncGeneratorFunctionPrototype: unknown = Object.getPrototypeOf(async function* () {});
const generatorFunctionPrototype: unknown = Object.getPrototypeOf(function* () {});

/**
 * What kind of function this is, by its prototype. Any other function, async ones included, is
 * judged per call by what it returns (a promise is awaited, anything else stays synchronous).
 */
export function functionKind(fn: Function): FunctionKind {
  const prototype: unknown = Object.getPrototypeOf(fn);
  if (prototype === asyncGeneratorFunctionPrototype) return 'stream';
  if (prototype === generatorFunctionPrototype) return 'generator';
  return 'plain';
}
