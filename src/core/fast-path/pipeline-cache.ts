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
 * `@RetryDefaults` apply to inherited methods, and each class's pipeline names it in telemetry),
 * so it is compiled once per class and kept here.
 *
 * The two classes seen first are kept in plain fields, read with one comparison each, and any
 * other in a map. Nothing is written on a call that finds its class in a field, so calls that
 * alternate between two subclasses cost what calls from one class cost, and no call changes what
 * V8 knows of another method's cache: the fast path relies on no field staying constant
 * (fast-path/README.md).
 *
 * While every class's pipeline has the same policies, differing only in the name it gives, the
 * owner shares one of them (`share`) and the success path takes it without reading `this` at all
 * (`policiesFor`): that read is a megamorphic load in a wrapper that many classes' methods share.
 */
export class PipelineCache {
  firstClass: unknown = noClass;
  firstPipeline: Pipeline | undefined = undefined;
  secondClass: unknown = noClass;
  secondPipeline: Pipeline | undefined = undefined;
  /** A pipeline with the policies of every class's, while they are all the same (`share`). */
  sharedPipeline: Pipeline | undefined = undefined;
  /**
   * The pipeline shared, kept when sharing stops: a guarded call that took it may still hold a
   * ticket of its guard, which its class's own pipeline may no longer have (`stopSharing`).
   */
  lentPipeline: Pipeline | undefined = undefined;
  #others: WeakMap<object, Pipeline> | undefined;

  constructor(private readonly resolve: (runtimeClass: unknown) => Pipeline) {}

  /**
   * A pipeline with the policies of `thisArg`'s class, for the success path, which names nothing:
   * the shared one when there is one (its name may be another class's), else the class's own.
   */
  policiesFor(thisArg: unknown): Pipeline {
    const shared = this.sharedPipeline;
    if (shared !== undefined) return shared;
    return pipelineOfClass(this, classOf(thisArg));
  }

  /** The pipeline compiled for `thisArg`'s class, which names that class: for a call record. */
  pipelineFor(thisArg: unknown): Pipeline {
    return pipelineOfClass(this, classOf(thisArg));
  }

  /**
   * `pipelineFor`, for a call whose first attempt has run. One that ran on the shared pipeline
   * read no class; what reading or resolving it throws now (a `constructor` or `name` getter)
   * must not take the place of the call's own failure: it goes on with the pipeline that was
   * shared (`lentPipeline`), which has its policies, only another class's name.
   */
  pipelineAfterAttempt(thisArg: unknown): Pipeline {
    const lent = this.lentPipeline;
    if (lent === undefined) return pipelineOfClass(this, classOf(thisArg));
    try {
      return pipelineOfClass(this, classOf(thisArg));
    } catch {
      return lent;
    }
  }

  /**
   * Lets the success path take `pipeline` for any class: the owner says that every class's
   * pipeline has its policies (no subclass declares any of its own). Kept until `stopSharing`.
   */
  share(pipeline: Pipeline): void {
    this.sharedPipeline ??= pipeline;
    this.lentPipeline ??= pipeline;
  }

  /** A subclass has policies of its own: the success path reads each call's class again. */
  stopSharing(): void {
    this.sharedPipeline = undefined;
  }

  /** A class not in the two fields: from the map, or resolved now. */
  miss(runtimeClass: unknown): Pipeline {
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

/** The pipeline of `runtimeClass`: one comparison per field, then the map. */
function pipelineOfClass(cache: PipelineCache, runtimeClass: unknown): Pipeline {
  if (runtimeClass === cache.firstClass) return cache.firstPipeline!;
  if (runtimeClass === cache.secondClass) return cache.secondPipeline!;
  return cache.miss(runtimeClass);
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
