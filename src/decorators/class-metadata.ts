import '../polyfill';
import type { Classifier } from '../classify/classifier';
import type { PolicyKind } from '../core/pipeline';
import type { RetryDefaultsOptions } from '../policy/options';
import { mergeOwnKeys } from '../policy/own-keys';
import { prototypeChain } from '../policy/prototype-chain';
import type { OptionLayer } from '../policy/validate-options';

/** What a class itself declares: `@RetryDefaults` and class-level `@Classified`. */
export interface ClassRecord {
  defaults: RetryDefaultsOptions | undefined;
  /** The name of the class, set by its class decorators; for messages. */
  className: string | undefined;
  /** In the order they are consulted (top decorator first). */
  readonly classifiers: Classifier[];
  /** Class-level policy decorators (`@CircuitBreaker` on the class), prepared, by kind. */
  readonly settings: Map<PolicyKind, unknown>;
}

/**
 * Where class records live. Standard decorators keep them on the class's `context.metadata` object
 * (which inherits from the base class's); legacy decorators on the constructor via reflect-metadata.
 * Either way an owner's prototype chain is its class hierarchy.
 */
export interface ClassMetadataAccess {
  ownRecord(owner: object): ClassRecord | undefined;
  /** The owner's own record, created on first use: an inherited record is never mutated. */
  ensureOwnRecord(owner: object): ClassRecord;
  /**
   * The owner for a call whose `this` belongs to `runtimeClass` (see `classOf` in
   * core/fast-path/pipeline-cache.ts): the nearest of that class and its bases, down to
   * `declared`, with records of its own (so a subclass's defaults apply to inherited methods);
   * `declared` when there is none or `runtimeClass` is not a subclass (detached calls).
   */
  runtimeOwner(runtimeClass: unknown, declared: object): object;
  /**
   * The key of the records `constructor` itself declares, if it was decorated (its own
   * `Symbol.metadata` in standard mode, which is set only after its class decorators ran).
   */
  ownKeyOf(constructor: Function): object | undefined;
}

/** A class in one of the two decorator modes: the key its records are kept under, and how. */
export interface ClassOwner {
  readonly key: object;
  readonly access: ClassMetadataAccess;
}

const classRecordKey = Symbol('tenacious.class');

function newRecord(): ClassRecord {
  return { defaults: undefined, className: undefined, classifiers: [], settings: new Map() };
}

/**
 * The nearest of `start` and its prototypes, above `declared`, with records of its own; `declared`
 * when there is none, or when `declared` is not on `start`'s chain (a detached call).
 */
function nearestOwner(access: ClassMetadataAccess, start: unknown, declared: object): object {
  let nearest: object | undefined;
  for (const current of prototypeChain(start)) {
    if (current === declared) return nearest ?? declared;
    if (nearest === undefined && access.ownRecord(current) !== undefined) nearest = current;
  }
  return declared;
}

export const standardMetadata: ClassMetadataAccess = {
  ownRecord(metadata) {
    return Object.hasOwn(metadata, classRecordKey)
      ? (metadata as { [classRecordKey]: ClassRecord })[classRecordKey]
      : undefined;
  },
  ensureOwnRecord(metadata) {
    const own = this.ownRecord(metadata);
    if (own) return own;
    const record = newRecord();
    Object.defineProperty(metadata, classRecordKey, { value: record });
    return record;
  },
  runtimeOwner(runtimeClass, declared) {
    // The nearest class with records of its own, as in legacy mode: a subclass whose only
    // decorators are another library's has a metadata object of its own, and no policies.
    const metadata =
      typeof runtimeClass === 'function'
        ? (runtimeClass as { [Symbol.metadata]?: unknown })[Symbol.metadata]
        : undefined;
    return nearestOwner(this, metadata, declared);
  },
  ownKeyOf(constructor) {
    if (!Object.hasOwn(constructor, Symbol.metadata)) return undefined;
    const metadata: unknown = (constructor as { [Symbol.metadata]?: unknown })[Symbol.metadata];
    return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
  },
};

const legacyMetadataKey = 'tenacious:class';

interface ReflectMetadataApi {
  getOwnMetadata(key: unknown, target: object): unknown;
  getOwnMetadataKeys(target: object): unknown[];
  defineMetadata(key: unknown, value: unknown, target: object): void;
}

/** reflect-metadata, which legacy-decorator projects (NestJS, Angular) load before their classes. */
export function reflectMetadataApi(source: string): ReflectMetadataApi {
  if (!reflectMetadataLoaded()) {
    throw new TypeError(
      `${source}: legacy decorators (experimentalDecorators) keep their metadata with ` +
        `reflect-metadata; add "import 'reflect-metadata'" before your decorated classes are defined`,
    );
  }
  return Reflect as unknown as ReflectMetadataApi;
}

/** Whether reflect-metadata (or a polyfill of its API) is loaded. */
export function reflectMetadataLoaded(): boolean {
  const api = Reflect as unknown as Partial<ReflectMetadataApi>;
  return (
    typeof api.getOwnMetadata === 'function' &&
    typeof api.getOwnMetadataKeys === 'function' &&
    typeof api.defineMetadata === 'function'
  );
}

/**
 * Legacy decorators applied before ours (NestJS's `@Get()`, `@SetMetadata()`) may keep their data
 * on the method function itself; the wrapper that replaces it must carry that data too.
 */
export function copyFunctionMetadata(from: Function, to: Function, source: string): void {
  const api = reflectMetadataApi(source);
  for (const key of api.getOwnMetadataKeys(from)) {
    api.defineMetadata(key, api.getOwnMetadata(key, from), to);
  }
}

export const legacyMetadata: ClassMetadataAccess = {
  ownRecord(constructor) {
    return reflectMetadataApi('tenacious').getOwnMetadata(legacyMetadataKey, constructor) as
      ClassRecord | undefined;
  },
  ensureOwnRecord(constructor) {
    const own = this.ownRecord(constructor);
    if (own) return own;
    const record = newRecord();
    reflectMetadataApi('tenacious').defineMetadata(legacyMetadataKey, record, constructor);
    return record;
  },
  runtimeOwner(runtimeClass, declared) {
    // As in standard mode, where a class without decorators shares its base's metadata: the
    // nearest class with records of its own (a class decorator or a decorated method).
    return nearestOwner(this, runtimeClass, declared);
  },
  ownKeyOf(constructor) {
    return constructor;
  },
};

/** The records of the class and its ancestors, most derived first. */
export function classRecordChain({ key, access }: ClassOwner): ClassRecord[] {
  const chain: ClassRecord[] = [];
  for (const current of prototypeChain(key)) {
    const record = access.ownRecord(current);
    if (record) chain.push(record);
  }
  return chain;
}

/** The class defaults in force for `chain` (most derived first): a subclass overrides field by field. */
export function mergeClassDefaults(chain: readonly ClassRecord[]): RetryDefaultsOptions {
  // Records without a prototype: a default is never read from Object.prototype.
  let merged: RetryDefaultsOptions = mergeOwnKeys();
  for (let index = chain.length - 1; index >= 0; index--) {
    const defaults = chain[index].defaults;
    if (defaults === undefined) continue;
    const rateLimit =
      merged.rateLimit || defaults.rateLimit
        ? mergeOwnKeys<NonNullable<RetryDefaultsOptions['rateLimit']>>(
            merged.rateLimit,
            defaults.rateLimit,
          )
        : undefined;
    merged = mergeOwnKeys(merged, defaults, { rateLimit });
  }
  return merged;
}

/** A class being defined: its records' key, its value and its name (known before its metadata is). */
export interface DefinedClass {
  readonly key: object;
  readonly value: Function;
  readonly name: string;
}

/**
 * The name of the class whose records are kept under `key`, looked for from `from` (a class, or
 * the class being defined) up its superclasses; `undefined` when it is not among them.
 */
export function classNameOf(
  key: object,
  access: ClassMetadataAccess,
  from: DefinedClass | unknown,
): string | undefined {
  if (isDefinedClass(from) && from.key === key) return from.name;
  for (const current of prototypeChain(isDefinedClass(from) ? from.value : from)) {
    if (typeof current !== 'function') break;
    if (access.ownKeyOf(current) === key) return current.name || '(anonymous class)';
  }
  return access.ownRecord(key)?.className;
}

function isDefinedClass(value: unknown): value is DefinedClass {
  return typeof value === 'object' && value !== null && 'key' in value && 'value' in value;
}

/**
 * The `@RetryDefaults` layers of a policy, base class first (lowest precedence), for
 * `checkMergedLayers`: the top-level options for the retry lane, `rateLimit` for the other.
 */
export function classDefaultsLayers(
  chain: readonly ClassRecord[],
  lane: 'retry' | 'rateLimit',
): OptionLayer[] {
  const layers: OptionLayer[] = [];
  for (let index = chain.length - 1; index >= 0; index--) {
    const { defaults, className = '(anonymous class)' } = chain[index];
    if (defaults === undefined) continue;
    layers.push({
      options: lane === 'retry' ? defaults : defaults.rateLimit,
      describe:
        lane === 'retry'
          ? (key, value) => `@RetryDefaults({ ${key}: ${value} }) on ${className}`
          : (key, value) => `@RetryDefaults({ rateLimit: { ${key}: ${value} } }) on ${className}`,
    });
  }
  return layers;
}
