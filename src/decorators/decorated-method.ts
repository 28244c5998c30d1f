import type { Classifier } from '../classify/classifier';
import type { RetriedFunction } from '../core/call-with-retry';
import { PipelineCache } from '../core/fast-path/pipeline-cache';
import { createRetryingFunction } from '../core/fast-path/retrying-function';
import { functionKind } from '../core/function-kind';
import {
  compilePipeline,
  firstAttemptKinds,
  type FirstAttempt,
  type Pipeline,
  type PolicyKind,
} from '../core/pipeline';
import type { PipelinePolicy } from '../core/pipeline';
import { optionsOfSetting, ownSetting, type PolicyRegistration } from '../core/policy-registry';
import { describeValue } from '../policy/describe-value';
import { mergeOwnKeys } from '../policy/own-keys';
import { prototypeChain } from '../policy/prototype-chain';
import type { RateLimitOptions, RetryOptions } from '../policy/options';
import { createRetryPolicy, type RetryPolicy } from '../policy/retry-policy';
import { checkMergedLayers, type OptionLayer } from '../policy/validate-options';
import { policyRegistrations } from '../policies/registrations';
import { CallStatistics, attachStatistics } from '../telemetry/statistics';
import {
  classDefaultsLayers,
  classNameOf,
  copyFunctionMetadata,
  reflectMetadataLoaded,
  classRecordChain,
  mergeClassDefaults,
  type ClassOwner,
  type ClassRecord,
  type DefinedClass,
} from './class-metadata';
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
  /** Method-level policy decorators (`@CircuitBreaker`), prepared, by kind. */
  readonly settings = new Map<PolicyKind, unknown>();
  wrapper: Function | undefined;
  /** The method the wrapper calls, as the first decorator applied was handed it. */
  target: Function | undefined;
  /** The first attempt the wrapper expects (`createRetryingFunction`). */
  expectedFirstAttempt: FirstAttempt = firstAttemptKinds.plain;
  /** The wrapper's own properties as installed: any change is a mark a decorator put there. */
  wrapperProperties: readonly OwnProperty[] = [];
  /** The wrapper's prototype as installed: another is a mark too. */
  wrapperPrototype: object | null = null;
  /** The counters `stats()` reads, shared by the method's pipelines (one per class). */
  readonly statistics = new CallStatistics();

  // Class defaults are read lazily because class decorators run after method decorators; then the
  // pipeline is compiled once per class, and `pipelines` keeps it per caller's class.
  readonly pipelines = new PipelineCache((runtimeClass) => this.#pipelineForClass(runtimeClass));
  /**
   * What the pipelines of one owner share (its policies' state: a latency estimate, a breaker
   * made here), compiled once; each class a call comes through gets a pipeline of its own that
   * names it (telemetry), from the same policies.
   */
  readonly #policiesByOwner = new WeakMap<object, OwnerPolicies>();
  /**
   * Settings made from the merged options of several layers, with the layers' settings they were
   * made from: owners whose layers are the same share one (a breaker per method, not per class).
   */
  readonly #mergedSettings: {
    readonly kind: PolicyKind;
    readonly settings: readonly unknown[];
    readonly setting: unknown;
  }[] = [];

  constructor(
    readonly name: string,
    readonly owner: ClassOwner,
    /** A `#private` method: not a property of any prototype, and never overridden. */
    readonly isPrivate = false,
  ) {}

  // Called once per class of `this` (`pipelines` keeps the result), except for a `this` that has
  // no class, whose pipeline the owner keeps.
  #pipelineForClass(runtimeClass: unknown): Pipeline {
    const owner = this.owner.access.runtimeOwner(runtimeClass, this.owner.key);
    let shared = this.#policiesByOwner.get(owner);
    if (shared === undefined) {
      const runtimeOwner: ClassOwner = { key: owner, access: this.owner.access };
      // Checked at definition when the class (or a subclass) has a class decorator; a subclass
      // without one is seen only now, at its first call (checkClassLayers below).
      this.checkLayers(runtimeOwner, runtimeClass);
      shared = this.#compilePolicies(runtimeOwner);
      this.#policiesByOwner.set(owner, shared);
    }
    const classless = typeof runtimeClass !== 'function';
    if (classless && shared.classless !== undefined) return shared.classless;
    const className = !classless && runtimeClass.name !== '' ? runtimeClass.name : undefined;
    const pipeline = compilePipeline(shared.retryPolicy, shared.policies, {
      identity: { className, method: this.name },
      statistics: this.statistics,
    });
    if (classless) shared.classless = pipeline;
    // Every class that has no records of its own takes the owner's policies (`runtimeOwner`):
    // while no subclass has any, every pipeline of this method has these policies.
    if (owner === this.owner.key && !hasRecordedSubclass(owner)) {
      this.pipelines.share(pipeline);
    }
    return pipeline;
  }

  /**
   * Refuses a combination that only appears once the class defaults in force for `owner` merge with
   * this method's options, naming both layers. `from` is where to look for class names.
   */
  checkLayers(owner: ClassOwner, from: DefinedClass | unknown): void {
    const retry = this.retry;
    const rateLimit = this.rateLimit;
    const chain = classRecordChain(owner);
    const className = classNameOf(this.owner.key, this.owner.access, from) ?? '(its class)';
    const where = `${className}.${this.name}`;
    this.#checkHedgeIsIdempotent(chain, where);
    this.#checkMergedPolicyLayers(chain, where);
    if (retry === undefined && rateLimit === undefined) return;
    const methodLayer = (source: string, options: object): OptionLayer => ({
      options,
      describe: (key, value) => `${source}({ ${key}: ${value} }) on ${where}`,
    });
    if (retry !== undefined) {
      checkMergedLayers([...classDefaultsLayers(chain, 'retry'), methodLayer('@Retry', retry)]);
    }
    if (rateLimit !== undefined) {
      checkMergedLayers([
        ...classDefaultsLayers(chain, 'rateLimit'),
        methodLayer('@RetryOnRateLimit', rateLimit),
      ]);
    }
  }

  /** Refuses policy options that each layer accepts but their merge does not, naming the layers. */
  #checkMergedPolicyLayers(chain: readonly ClassRecord[], where: string): void {
    for (const registration of policyRegistrations) {
      if (registration.validateMerged === undefined) continue;
      const merged = this.#mergedLayers(registration, chain, where);
      if (merged?.options === undefined || merged.layers.length < 2) continue;
      registration.validateMerged(merged.options, describeLayers(merged.layers));
    }
  }

  /** A hedge in force (from any layer) with `idempotent: false` in force is refused. */
  #checkHedgeIsIdempotent(chain: readonly ClassRecord[], where: string): void {
    const hedge = policyRegistrations.find((registration) => registration.kind === 'hedge');
    if (hedge === undefined || this.#mergedLayers(hedge, chain, where) === undefined) return;
    const own = ownSetting(this.retry, 'idempotent');
    const idempotent = own ?? ownSetting(mergeClassDefaults(chain), 'idempotent');
    if (idempotent !== false) return;
    // The class whose @RetryDefaults says so: the most derived that sets it.
    const from = chain.find((record) => ownSetting(record.defaults, 'idempotent') !== undefined);
    const source =
      own !== undefined
        ? 'from @Retry'
        : `from @RetryDefaults on ${from?.className ?? '(anonymous class)'}`;
    throw new TypeError(
      `${where}: hedging (@Hedge or the hedge option) and idempotent: false (${source}) cannot go together: a hedge runs a call more than once at the same time`,
    );
  }

  #compilePolicies(owner: ClassOwner): OwnerPolicies {
    const chain = classRecordChain(owner);
    const { rateLimit: rateLimitDefaults, ...retryDefaults } = mergeClassDefaults(chain);
    const retryPolicy = createRetryPolicy({
      // A `classifier` in @RetryDefaults is a class classifier: it takes that class's place in the
      // chain (after the method's own, subclass before base), not the method option's place.
      retry: this.retry && [{ ...retryDefaults, classifier: undefined }, this.retry],
      rateLimit: this.rateLimit && [rateLimitDefaults, this.rateLimit],
      classifiers: [
        ...this.classifiers,
        ...chain.flatMap((record) => [...record.classifiers, record.defaults?.classifier]),
      ],
    });
    const scope = { kind: 'method', owner: owner.key, source: this.name } as const;
    // checkLayers has refused merged options that do not go together, naming the classes.
    const methodName = `${chain[0]?.className ?? '(its class)'}.${this.name}`;
    const policies: PipelinePolicy[] = [];
    for (const registration of policyRegistrations) {
      const setting = this.#settingFor(registration, chain, methodName);
      const policy = registration.create(setting, scope);
      if (policy !== undefined) policies.push(policy);
    }
    return { retryPolicy, policies, classless: undefined };
  }

  /**
   * The setting of a policy kind in force for this method, from its layers (`#layersOf`). The
   * options of successive layers merge field by field; an instance (or `false`) is taken whole, and
   * options above it start afresh. A setting from one layer is used as it was prepared (one breaker
   * for all the methods of a class); merged options make one for this method, kept per layers so
   * that every owner compiled from the same layers shares it.
   */
  #settingFor(
    registration: PolicyRegistration,
    chain: readonly ClassRecord[],
    methodName: string,
  ): unknown {
    const merged = this.#mergedLayers(registration, chain, methodName);
    if (merged === undefined) return undefined;
    if (merged.layers.length === 1) return merged.layers[0].setting;
    const settings = merged.layers.map((layer) => layer.setting);
    const cached = this.#mergedSettings.find(
      (entry) =>
        entry.kind === registration.kind &&
        entry.settings.length === settings.length &&
        entry.settings.every((setting, index) => setting === settings[index]),
    );
    if (cached !== undefined) return cached.setting;
    const setting = registration.prepare(merged.options, describeLayers(merged.layers));
    this.#mergedSettings.push({ kind: registration.kind, settings, setting });
    return setting;
  }

  /**
   * The layers that make a kind's setting for this method (from the last instance up), and their
   * merged options (undefined when the lowest of them is an instance); undefined when none sets it.
   */
  #mergedLayers(
    registration: PolicyRegistration,
    chain: readonly ClassRecord[],
    methodName: string,
  ): MergedLayers | undefined {
    let merged: MergedLayers | undefined;
    for (const layer of this.#layersOf(registration, chain, methodName)) {
      const options = optionsOfSetting(layer.setting);
      const mergeable = registration.validateMerged !== undefined && options !== undefined;
      merged =
        merged?.options !== undefined && mergeable
          ? { layers: [...merged.layers, layer], options: mergeOwnKeys(merged.options, options) }
          : { layers: [layer], options: mergeable ? options : undefined };
    }
    return merged;
  }

  /**
   * The layers that set a policy kind for this method, least specific first: for each class from
   * the base down, its `@RetryDefaults` then its class decorator; then the method's `@Retry`
   * option, then its own decorator.
   */
  #layersOf(
    registration: PolicyRegistration,
    chain: readonly ClassRecord[],
    methodName: string,
  ): SettingLayer[] {
    const { kind, optionKey } = registration;
    const layers: SettingLayer[] = [];
    const decorator = decoratorNames[kind] ?? `@${kind}`;
    for (let index = chain.length - 1; index >= 0; index--) {
      const record = chain[index];
      const className = record.className ?? '(anonymous class)';
      const fromDefaults = ownSetting(record.defaults, optionKey);
      if (fromDefaults !== undefined) {
        layers.push({
          setting: fromDefaults,
          describe: (options) => `@RetryDefaults({ ${optionKey}: ${options} }) on ${className}`,
        });
      }
      if (record.settings.has(kind)) {
        layers.push({
          setting: record.settings.get(kind),
          describe: (options) => `${decorator}(${options}) on ${className}`,
        });
      }
    }
    const own = ownSetting(this.retry, optionKey);
    if (own !== undefined) {
      layers.push({
        setting: own,
        describe: (options) => `@Retry({ ${optionKey}: ${options} }) on ${methodName}`,
      });
    }
    if (this.settings.has(kind)) {
      layers.push({
        setting: this.settings.get(kind),
        describe: (options) => `${decorator}(${options}) on ${methodName}`,
      });
    }
    return layers;
  }
}

/** One place that sets a policy kind for a method, and how to name it in an error. */
interface SettingLayer {
  readonly setting: unknown;
  /** Names the layer with its options, e.g. `@CircuitBreaker({"breakDuration":5000}) on Foo.bar`. */
  readonly describe: (options: string) => string;
}

interface MergedLayers {
  readonly layers: readonly SettingLayer[];
  readonly options: object | undefined;
}

/** The decorators that set each kind on a method or a class, as errors name them. */
const decoratorNames: Partial<Record<PolicyKind, string>> = {
  'circuit-breaker': '@CircuitBreaker',
  'rate-limiter': '@RateLimit',
  'concurrency-limit': '@ConcurrencyLimit',
  hedge: '@Hedge',
  timeout: '@Timeout',
  fallback: '@Fallback',
};

/** Names the layers whose options were merged: `@RetryDefaults(...) on Foo and @X(...) on Foo.bar`. */
function describeLayers(layers: readonly SettingLayer[]): string {
  return layers
    .map((layer) => layer.describe(describeValue(optionsOfSetting(layer.setting))))
    .join(' and ');
}

interface OwnerPolicies {
  readonly retryPolicy: RetryPolicy;
  readonly policies: readonly PipelinePolicy[];
  /** The pipeline of calls whose `this` has no class (a detached call). */
  classless: Pipeline | undefined;
}

interface ClassMethods {
  readonly instance: Map<string | symbol, DecoratedMethod>;
  readonly static: Map<string | symbol, DecoratedMethod>;
}

/** The decorated methods declared by each class, keyed by its metadata object or constructor. */
const methodsByClass = new WeakMap<object, ClassMethods>();

/**
 * The class's own record, made on first use. A class with records of its own is the owner of the
 * calls through it, inherited methods' included (`runtimeOwner`), and may bring policies of its
 * own: a new record makes its base classes' decorated methods read the class of each call again
 * (`PipelineCache.stopSharing`), from now on.
 */
function ownRecordOf(owner: ClassOwner): ClassRecord {
  const { key, access } = owner;
  if (access.ownRecord(key) === undefined) {
    // Either mode's keys chain as the classes do (class-metadata.ts).
    for (const base of prototypeChain(key)) {
      if (base !== key) recordSubclassOf(base);
    }
  }
  return access.ensureOwnRecord(key);
}

/** Stops the sharing of the methods this copy of the package decorated on `base`. */
function stopSharingOf(base: object): void {
  const methods = methodsByClass.get(base);
  if (methods === undefined) return;
  for (const decorated of [...methods.instance.values(), ...methods.static.values()]) {
    decorated.pipelines.stopSharing();
  }
}

/**
 * What every copy of the package in the process knows of new class records. With legacy
 * decorators, copies share the records themselves (reflect-metadata, one key), so a subclass
 * record that one copy makes must stop the sharing of the base-class methods another decorated.
 */
interface RecordRegistry {
  /** The classes (their record keys) of which a subclass has records of its own. */
  readonly classesWithRecordedSubclasses: WeakSet<object>;
  /**
   * One per copy of the package, held weakly: its `stopSharingOf`. A copy that nothing holds any
   * more (reloaded, its classes gone) is collected, and left out at the next class record.
   */
  readonly stopSharingListeners: Set<WeakRef<(base: object) => void>>;
}

const recordRegistryKey = Symbol.for('tenacious.class-record-registry');

// The collections' methods as this copy found them: a registry's own may have been replaced.
const weakSetHas = WeakSet.prototype.has;
const weakSetAdd = WeakSet.prototype.add;
const setAdd = Set.prototype.add;
const setDelete = Set.prototype.delete;
const setValues = Set.prototype.values;
const weakRefDeref = WeakRef.prototype.deref;
// Its constructor too: the listener is made at the first decorated method, after load.
const WeakRefAtLoad = WeakRef;

function findRecordRegistry(): RecordRegistry {
  // An own data property only: one inherited from a polluted Object.prototype, or a getter, is
  // not ours.
  const existing = recordRegistryFrom(globalThis, recordRegistryKey);
  if (existing !== undefined) return existing;
  // Frozen: the collections another copy finds are the ones this copy keeps.
  const registry: RecordRegistry = Object.freeze({
    classesWithRecordedSubclasses: new WeakSet<object>(),
    stopSharingListeners: new Set<WeakRef<(base: object) => void>>(),
  });
  Reflect.defineProperty(globalThis, recordRegistryKey, { value: registry, configurable: true });
  return registry;
}

/**
 * The registry at `holder[key]` if it is one: own data properties holding a real WeakSet and Set
 * (their methods throw for anything else, a proxy or an object that only inherits from them),
 * read once. Whatever reading it throws (a getter, a proxy's trap) makes it not ours.
 */
function recordRegistryFrom(holder: object, key: symbol): RecordRegistry | undefined {
  try {
    const value = ownDataValue(holder, key);
    const classes = ownDataValue(value, 'classesWithRecordedSubclasses');
    const listeners = ownDataValue(value, 'stopSharingListeners');
    Reflect.apply(weakSetHas, classes, [holder]);
    Reflect.apply(setValues, listeners, []);
    return Object.freeze({
      classesWithRecordedSubclasses: classes as WeakSet<object>,
      stopSharingListeners: listeners as Set<WeakRef<(base: object) => void>>,
    });
  } catch {
    return undefined;
  }
}

function ownDataValue(holder: unknown, key: PropertyKey): unknown {
  if ((typeof holder !== 'object' && typeof holder !== 'function') || holder === null) {
    throw new TypeError('not an object');
  }
  const descriptor = Reflect.getOwnPropertyDescriptor(holder, key);
  if (descriptor === undefined || !('value' in descriptor)) throw new TypeError('not data');
  return descriptor.value;
}

/** Tells every copy that `base` has a subclass with records (`ownRecordOf`). */
function recordSubclassOf(base: object): void {
  Reflect.apply(weakSetAdd, recordRegistry.classesWithRecordedSubclasses, [base]);
  // A snapshot: a listener that adds listeners must not make this loop for ever.
  const listeners = [...Reflect.apply(setValues, recordRegistry.stopSharingListeners, [])];
  for (const listener of listeners as unknown[]) {
    try {
      // Throws for anything but a WeakRef: an entry of someone else's.
      const stopSharing: unknown = Reflect.apply(weakRefDeref, listener, []);
      if (stopSharing === undefined) {
        Reflect.apply(setDelete, recordRegistry.stopSharingListeners, [listener]);
      } else if (typeof stopSharing === 'function') {
        Reflect.apply(stopSharing, undefined, [base]);
      }
    } catch {
      // Another's listener: what it throws is no failure of this class's definition.
    }
  }
}

function hasRecordedSubclass(base: object): boolean {
  return Reflect.apply(weakSetHas, recordRegistry.classesWithRecordedSubclasses, [base]) as boolean;
}

// Found (or made) once per copy: should the global be taken, this copy keeps its own.
const recordRegistry = findRecordRegistry();
let listening = false;

/**
 * Adds this copy's listener to the registry, which holds it weakly, when the copy first decorates a
 * method. Called from `decoratedMethodFor`, not from the module's top level: a function of the
 * module that refers to `stopSharingOf` keeps it as long as the module's functions and the methods
 * it decorated live, where a reference from the top level alone leaves it to be collected.
 */
function listenForClassRecords(): void {
  if (listening) return;
  listening = true;
  Reflect.apply(setAdd, recordRegistry.stopSharingListeners, [new WeakRefAtLoad(stopSharingOf)]);
}

export function decoratedMethodFor(
  application: Extract<DecoratorApplication, { kind: 'method' }>,
): DecoratedMethod {
  let classMethods = methodsByClass.get(application.owner.key);
  if (classMethods === undefined) {
    listenForClassRecords();
    // A class with decorated methods has records of its own (runtimeOwner looks for them).
    ownRecordOf(application.owner);
    classMethods = { instance: new Map(), static: new Map() };
    methodsByClass.set(application.owner.key, classMethods);
  }
  const methods = application.isStatic ? classMethods.static : classMethods.instance;
  let decorated = methods.get(application.key);
  if (decorated === undefined) {
    decorated = new DecoratedMethod(application.name, application.owner, application.isPrivate);
    methods.set(application.key, decorated);
  }
  return decorated;
}

/**
 * Installs the method's wrapper unless a stacked decorator already did; returns the new one. A
 * decorator that sets a kind guarding first attempts (a breaker) above one that installed a lean
 * wrapper (`@CircuitBreaker() @Retry()`) installs the guarded wrapper in its place
 * (`guardedWrapperInPlaceOf`): either wrapper runs every call, the expected one without handing
 * it on.
 */
export function installWrapper(
  decorated: DecoratedMethod,
  method: Function,
  source: string,
): Function | undefined {
  // A base class's decorators have all run: a guard there is known now (the class's own come
  // later, `installGuardedWrappers`).
  const guarded =
    guardRegistrations.some((registration) => decorated.settings.has(registration.kind)) ||
    classChainGuards(decorated.owner);
  if (decorated.wrapper === undefined) {
    const expected = guarded ? firstAttemptKinds.ticketed : firstAttemptKinds.plain;
    return createWrapper(decorated, method, source, expected);
  }
  return guarded ? guardedWrapperInPlaceOf(decorated, method, source) : undefined;
}

function createWrapper(
  decorated: DecoratedMethod,
  target: Function,
  source: string,
  expectedFirstAttempt: FirstAttempt,
): Function {
  const wrapper = createRetryingFunction(
    target as RetriedFunction,
    decorated.pipelines,
    `${source} on method "${decorated.name}"`,
    expectedFirstAttempt,
  );
  decorated.wrapper = wrapper;
  decorated.target = target;
  decorated.expectedFirstAttempt = expectedFirstAttempt;
  attachStatistics(wrapper, decorated.statistics);
  decorated.wrapperProperties = ownPropertiesOf(wrapper);
  decorated.wrapperPrototype = Reflect.getPrototypeOf(wrapper);
  return wrapper;
}

/**
 * The guarded wrapper (the one that runs a ticketed first attempt itself) to put in place of
 * `current`, the method as a decorator above ours or the class finds it; undefined when `current`
 * must stay: it is not our lean wrapper (another decorator between wrapped it), a decorator
 * marked it (`markedSinceInstalled`), or it wraps an async generator, whose wrapper is the same
 * whatever its guards (it has no first attempt of its own).
 */
function guardedWrapperInPlaceOf(
  decorated: DecoratedMethod,
  current: Function,
  source: string,
): Function | undefined {
  if (
    decorated.expectedFirstAttempt === firstAttemptKinds.ticketed ||
    current !== decorated.wrapper ||
    decorated.target === undefined ||
    functionKind(decorated.target) === 'stream' ||
    markedSinceInstalled(decorated, current)
  ) {
    return undefined;
  }
  return createWrapper(decorated, decorated.target, source, firstAttemptKinds.ticketed);
}

/** One own property of a function, as `Object.getOwnPropertyDescriptor` gives it. */
type OwnProperty = readonly [key: PropertyKey, descriptor: PropertyDescriptor];

function ownPropertiesOf(target: Function): OwnProperty[] {
  return Reflect.ownKeys(target).map((key) => [
    key,
    Reflect.getOwnPropertyDescriptor(target, key)!,
  ]);
}

/**
 * A decorator between ours that returned the wrapper as it was may have marked it (a property
 * added or redefined, another prototype, a freeze): a new wrapper in its place would lose the
 * mark, so the installed one stays. (One that only kept the function somewhere, a registry,
 * cannot be seen.)
 */
function markedSinceInstalled(decorated: DecoratedMethod, wrapper: Function): boolean {
  const installed = decorated.wrapperProperties;
  const current = ownPropertiesOf(wrapper);
  return (
    !Object.isExtensible(wrapper) ||
    Reflect.getPrototypeOf(wrapper) !== decorated.wrapperPrototype ||
    current.length !== installed.length ||
    current.some(([key, descriptor], index) => {
      const [installedKey, installedDescriptor] = installed[index]!;
      return key !== installedKey || !sameDescriptor(descriptor, installedDescriptor);
    })
  );
}

function sameDescriptor(first: PropertyDescriptor, second: PropertyDescriptor): boolean {
  return (
    Object.is(first.value, second.value) &&
    first.get === second.get &&
    first.set === second.set &&
    first.writable === second.writable &&
    first.enumerable === second.enumerable &&
    first.configurable === second.configurable
  );
}

/** Lets `stats()` read the method's counters on `method` (another decorator's function). */
export function attachStatisticsIfExtensible(method: Function, decorated: DecoratedMethod): void {
  if (Object.isExtensible(method)) attachStatistics(method, decorated.statistics);
}

/**
 * What every class decorator does when applied: `update` records its part on the class's own
 * record (and throws if it is there already), then the merged layers of the class's methods are
 * checked, which can only be done now: a class decorator runs after its methods' decorators.
 */
export function decorateClass(
  application: Extract<DecoratorApplication, { kind: 'class' }>,
  update: (record: ClassRecord) => void,
): void {
  const { owner, name, value } = application;
  const record = ownRecordOf(owner);
  update(record);
  record.className = name;
  const defined = { key: owner.key, value, name };
  checkClassLayers(owner, defined);
  installGuardedWrappers(owner, defined);
}

/** Whether a class decorator of the class or of a base class brought a guard kind. */
function classChainGuards(owner: ClassOwner): boolean {
  return classRecordChain(owner).some((record) =>
    guardRegistrations.some(
      (registration) =>
        record.settings.has(registration.kind) ||
        ownSetting(record.defaults, registration.optionKey) !== undefined,
    ),
  );
}

/** The kinds whose policies can admit a first attempt with a ticket (a breaker, the limiters). */
const guardRegistrations = policyRegistrations.filter(
  (registration) => registration.guardsFirstAttempt === true,
);

/**
 * Once a class decorator has brought a guard (`@CircuitBreaker` on the class, a `circuitBreaker`
 * in `@RetryDefaults`), the class's own decorated methods get the guarded wrapper in place of the
 * lean one, on the prototype (on the class for a static method), as a guard above `@Retry` gives
 * it: a class decorator runs after its methods' decorators, before the class is handed to the
 * code that defines it. A method decorator above `@Retry` that kept the function it was handed (a
 * handler registry) keeps the lean wrapper, which works the same: it hands its calls on. A
 * `#private` method cannot be replaced from here and keeps the lean wrapper.
 */
function installGuardedWrappers(owner: ClassOwner, defined: DefinedClass): void {
  const methods = methodsByClass.get(owner.key);
  if (methods === undefined) return;
  if (!classChainGuards(owner)) return;
  for (const placement of ['instance', 'static'] as const) {
    const holder: unknown = placement === 'static' ? defined.value : defined.value.prototype;
    if ((typeof holder !== 'object' && typeof holder !== 'function') || holder === null) continue;
    for (const [methodKey, decorated] of methods[placement]) {
      if (decorated.isPrivate) continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(holder, methodKey);
      if (typeof descriptor?.value !== 'function' || descriptor.configurable !== true) continue;
      const source = `the class decorator of ${defined.name}`;
      const wrapper = guardedWrapperInPlaceOf(decorated, descriptor.value as Function, source);
      if (wrapper === undefined) continue;
      // What a decorator kept on the replaced wrapper with reflect-metadata stays, as a method
      // decorator's replacement carries it (`wrapMethod`).
      if (reflectMetadataLoaded()) {
        copyFunctionMetadata(descriptor.value as Function, wrapper, source);
      }
      Reflect.defineProperty(holder, methodKey, { ...descriptor, value: wrapper });
    }
  }
}

/**
 * Checks, when a class decorator runs (after the method decorators of its class), the merged
 * policy of every decorated method the class has, its own and inherited ones, under the class
 * defaults in force for it. A method that a subclass overrides is not the class's any more (a
 * `#private` one cannot be overridden).
 */
function checkClassLayers(owner: ClassOwner, defined: DefinedClass): void {
  const seen = { instance: new Set<string | symbol>(), static: new Set<string | symbol>() };
  for (const key of prototypeChain(owner.key)) {
    const methods = methodsByClass.get(key);
    if (methods === undefined) continue;
    for (const placement of ['instance', 'static'] as const) {
      for (const [methodKey, decorated] of methods[placement]) {
        if (seen[placement].has(methodKey)) continue;
        seen[placement].add(methodKey);
        if (!decorated.isPrivate && declaringKey(owner, defined, placement, methodKey) !== key) {
          continue;
        }
        decorated.checkLayers(owner, defined);
      }
    }
  }
}

/**
 * The records' key of the class whose method `methodKey` the defined class uses. A class decorator
 * may have returned a subclass of the class as written (Angular, MobX): in standard mode the class
 * as written never gets records' key of its own (`Symbol.metadata` goes on the class returned, and
 * on the class being defined only once every class decorator has run), so a class without one has
 * the key of the subclass before it in the chain, which replaced it (an undecorated base holds none
 * of the methods recorded there).
 */
function declaringKey(
  owner: ClassOwner,
  defined: DefinedClass,
  placement: 'instance' | 'static',
  methodKey: string | symbol,
): object | undefined {
  let key = owner.key;
  for (const current of prototypeChain(defined.value)) {
    if (typeof current !== 'function') break;
    if (current !== defined.value) key = owner.access.ownKeyOf(current) ?? key;
    const holder: unknown =
      placement === 'static' ? current : (current as { prototype?: unknown }).prototype;
    if (typeof holder !== 'object' && typeof holder !== 'function') continue;
    if (holder === null || !Object.hasOwn(holder, methodKey)) continue;
    return key;
  }
  return undefined;
}
