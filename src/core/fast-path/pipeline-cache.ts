import type { Pipeline } from '../pipeline';

/** The class a call's `this` belongs to: its constructor, or the class itself for a static method. */
export function classOf(thisArg: unknown): unknown {
  if (typeof thisArg === 'function') return thisArg; // a static method: `this` is the class
  if (thisArg === null || thisArg === undefined) return undefined;
  return (thisArg as { constructor?: unknown }).constructor;
}

/** No class yet: a value no `classOf` can return. */
const noClass: unknown = Symbol('no class');

/**
 * A retrying function's pipeline per call. It can differ by the class of `this` (a subclass's
 * `@RetryDefaults` apply to inherited methods), so it is compiled once per class and kept here.
 *
 * The two classes seen first are kept in plain fields, read with one comparison each, and any
 * other in a map. Nothing is written on a call that finds its class in a field, so calls that
 * alternate between two subclasses cost what calls from one class cost, and no call changes what
 * V8 knows of another method's cache: the fast path relies on no field staying constant
 * (fast-path/README.md).
 */
export class PipelineCache {
  firstClass: unknown = noClass;
  firstPipeline: Pipeline | undefined = undefined;
  secondClass: unknown = noClass;
  secondPipeline: Pipeline | undefined = undefined;
  #others: WeakMap<object, Pipeline> | undefined;

  constructor(private readonly resolve: (runtimeClass: unknown) => Pipeline) {}

  pipelineFor(thisArg: unknown): Pipeline {
    const runtimeClass = classOf(thisArg);
    if (runtimeClass === this.firstClass) return this.firstPipeline!;
    if (runtimeClass === this.secondClass) return this.secondPipeline!;
    return this.#miss(runtimeClass);
  }

  #miss(runtimeClass: unknown): Pipeline {
    const key = isObject(runtimeClass) ? runtimeClass : undefined;
    let pipeline = key && this.#others?.get(key);
    if (pipeline !== undefined) return pipeline;
    pipeline = this.resolve(runtimeClass);
    if (this.firstClass === noClass) {
      this.firstPipeline = pipeline;
      this.firstClass = runtimeClass;
    } else if (this.secondClass === noClass) {
      this.secondPipeline = pipeline;
      this.secondClass = runtimeClass;
    } else if (key !== undefined) {
      // Weakly: classes made at run time (per test, per tenant) must not be kept alive by a method.
      (this.#others ??= new WeakMap()).set(key, pipeline);
    }
    return pipeline;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
