import type { RetryPolicy } from '../policy/retry-policy';

/** The class a call's `this` belongs to: its constructor, or the class itself for a static method. */
export function classOf(thisArg: unknown): unknown {
  if (typeof thisArg === 'function') return thisArg; // a static method: `this` is the class
  if (thisArg === null || thisArg === undefined) return undefined;
  return (thisArg as { constructor?: unknown }).constructor;
}

interface RememberedPolicy {
  readonly runtimeClass: unknown;
  readonly policy: RetryPolicy;
}

/**
 * A retrying function's policy per call. It can differ by the class of `this` (a subclass's
 * `@RetryDefaults` apply to inherited methods), so it is resolved per class and remembered for
 * the class of the last call: a call from the same class costs one comparison.
 */
export class PolicyCache {
  /**
   * The last call's class and its policy; `rememberClassOf` makes it that of a given `this`.
   * Added at the first call rather than initialised, because V8 treats a property written once
   * as a constant: code that inlines a retrying function and reads the policy from here then
   * folds the lookup, and every check of the policy's options, away while one class calls it
   * (bench/README.md). A second class makes it an ordinary property, and V8 recompiles.
   */
  declare remembered: RememberedPolicy | undefined;

  constructor(private readonly resolve: (runtimeClass: unknown) => RetryPolicy) {}

  policyFor(thisArg: unknown): RetryPolicy {
    this.rememberClassOf(thisArg);
    return this.remembered!.policy;
  }

  rememberClassOf(thisArg: unknown): void {
    const runtimeClass = classOf(thisArg);
    const remembered = this.remembered;
    if (remembered === undefined || remembered.runtimeClass !== runtimeClass) {
      this.remembered = { runtimeClass, policy: this.resolve(runtimeClass) };
    }
  }
}
