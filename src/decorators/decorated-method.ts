import type { Classifier } from '../classify/classifier';
import type { RetriedFunction } from '../core/call-with-retry';
import { PolicyCache } from '../core/policy-cache';
import { createRetryingFunction } from '../core/retrying-function';
import type { RateLimitOptions, RetryOptions } from '../policy/options';
import { createRetryPolicy, type RetryPolicy } from '../policy/retry-policy';
import { classRecordChain, mergeClassDefaults, type ClassOwner } from './class-metadata';
import type { DecoratorApplication } from './decorator-arguments';

/**
 * Everything the decorators of one method declared, and the one wrapper they share. Stacked
 * decorators find it by class, static-ness and name, not by the function they are handed: another
 * decorator between them (tracing, logging) replaces the function, yet the method still gets one
 * wrapper and one retry loop whatever the order of its decorators.
 */
export class DecoratedMethod {
  retry: RetryOptions | undefined;
  rateLimit: RateLimitOptions | undefined;
  /** Method-level `@Classified` classifiers, top decorator first. */
  readonly classifiers: Classifier[] = [];
  wrapper: Function | undefined;

  // Class defaults are read lazily because class decorators run after method decorators; then the
  // policy is resolved once per class, and `policies` remembers the last caller's.
  readonly policies = new PolicyCache((runtimeClass) => this.#policyForClass(runtimeClass));
  readonly #policyByOwner = new WeakMap<object, RetryPolicy>();

  constructor(
    readonly name: string,
    readonly owner: ClassOwner,
  ) {}

  #policyForClass(runtimeClass: unknown): RetryPolicy {
    const owner = this.owner.access.runtimeOwner(runtimeClass, this.owner.key);
    let policy = this.#policyByOwner.get(owner);
    if (policy === undefined) {
      policy = this.#resolvePolicy({ key: owner, access: this.owner.access });
      this.#policyByOwner.set(owner, policy);
    }
    return policy;
  }

  #resolvePolicy(owner: ClassOwner): RetryPolicy {
    const chain = classRecordChain(owner);
    const { rateLimit: rateLimitDefaults, ...retryDefaults } = mergeClassDefaults(chain);
    return createRetryPolicy({
      // A `classifier` in @RetryDefaults is a class classifier: it takes that class's place in the
      // chain (after the method's own, subclass before base), not the method option's place.
      retry: this.retry && [{ ...retryDefaults, classifier: undefined }, this.retry],
      rateLimit: this.rateLimit && [rateLimitDefaults, this.rateLimit],
      classifiers: [
        ...this.classifiers,
        ...chain.flatMap((record) => [...record.classifiers, record.defaults?.classifier]),
      ],
    });
  }
}

interface ClassMethods {
  readonly instance: Map<string | symbol, DecoratedMethod>;
  readonly static: Map<string | symbol, DecoratedMethod>;
}

/** The decorated methods declared by each class, keyed by its metadata object or constructor. */
const methodsByClass = new WeakMap<object, ClassMethods>();

export function decoratedMethodFor(
  application: Extract<DecoratorApplication, { kind: 'method' }>,
): DecoratedMethod {
  let classMethods = methodsByClass.get(application.owner.key);
  if (classMethods === undefined) {
    classMethods = { instance: new Map(), static: new Map() };
    methodsByClass.set(application.owner.key, classMethods);
  }
  const methods = application.isStatic ? classMethods.static : classMethods.instance;
  let decorated = methods.get(application.key);
  if (decorated === undefined) {
    decorated = new DecoratedMethod(application.name, application.owner);
    methods.set(application.key, decorated);
  }
  return decorated;
}

/** Installs the method's wrapper unless a stacked decorator already did; returns the new one. */
export function installWrapper(
  decorated: DecoratedMethod,
  method: Function,
  source: string,
): Function | undefined {
  if (decorated.wrapper !== undefined) return undefined;
  const wrapper = createRetryingFunction(
    method as RetriedFunction,
    decorated.policies,
    `${source} on method "${decorated.name}"`,
  );
  decorated.wrapper = wrapper;
  return wrapper;
}
