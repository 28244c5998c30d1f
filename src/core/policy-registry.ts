import { mergeOwnKeys } from '../policy/own-keys';
import type { PipelinePolicy, PolicyKind } from './pipeline';

/** Where a pipeline is compiled, which decides a policy's default (a budget per class, ...). */
export interface PolicyScope {
  /**
   * `'method'`: a decorated method, compiled per runtime class; `'function'`: a `retryable`
   * function; `'call'`: one `withRetry` call (or an integration's); `'context'`: a RetryContext.
   */
  readonly kind: 'method' | 'function' | 'call' | 'context';
  /** For a method: the class it is compiled for (its metadata object, or its constructor). */
  readonly owner: object | undefined;
  /** Names the decorator or function in error messages. */
  readonly source: string;
}

/**
 * How a policy kind joins the pipeline: its one registration (src/policies/registrations.ts).
 * Nothing else of the core knows the kind: the loop and the fast path see only its hooks.
 */
export interface PolicyRegistration {
  readonly kind: PolicyKind;
  /** Its key in `@RetryDefaults`, `withRetry` and `retryable` options (and in `@Retry`'s, where accepted). */
  readonly optionKey: string;
  /**
   * Its policies can admit a first attempt with a ticket (`enterFirstAttempt`, pipeline.ts): a
   * method under this kind (its own decorator, its class's or a base class's) gets the wrapper
   * that runs such a first attempt (fast-path/README.md).
   */
  readonly guardsFirstAttempt?: boolean;
  /**
   * Checks a setting where it is given (a decorator, `@RetryDefaults`, a function's options) and
   * turns it into what `create` takes; a state that is shared (a breaker made from options) is
   * made here, once, so that every pipeline compiled from this setting shares it. Throws naming
   * the option and the value.
   */
  prepare(value: unknown, source: string): unknown;
  /**
   * The policy for one pipeline, from the setting in force (`undefined` when none was given, for
   * the kind's default), or undefined for none.
   */
  create(setting: unknown, scope: PolicyScope): PipelinePolicy | undefined;
  /**
   * For a kind whose options merge field by field across decorator layers (DESIGN 1b): checks
   * merged options as `prepare` would, without making anything. Throws naming `source`.
   */
  readonly validateMerged?: (options: object, source: string) => void;
}

/** The own-key options each prepared setting (a breaker made from options, ...) was made from. */
const optionsOfPrepared = new WeakMap<object, object>();

/**
 * Keeps, next to a setting `prepare` made from options, the options' own keys, so that the layers
 * of a decorated method can be merged field by field later. Returns `prepared`.
 */
export function preparedFromOptions<Prepared extends object>(
  prepared: Prepared,
  options: object,
): Prepared {
  optionsOfPrepared.set(prepared, mergeOwnKeys(options));
  return prepared;
}

/**
 * The options a prepared setting was made from, or undefined for a setting taken whole (an
 * instance the caller gave, `false`, a number of ms).
 */
export function optionsOfSetting(setting: unknown): object | undefined {
  return typeof setting === 'object' && setting !== null
    ? optionsOfPrepared.get(setting)
    : undefined;
}

/**
 * Replaces, in options already validated, each registered policy's setting with its prepared
 * form (`PolicyRegistration.prepare`).
 */
export function preparePolicySettings<Options extends object>(
  registrations: readonly PolicyRegistration[],
  options: Options,
  source: string,
): Options {
  let prepared: Options | undefined;
  for (const registration of registrations) {
    const value = ownSetting(options, registration.optionKey);
    if (value === undefined) continue;
    // Own keys only, without a prototype, like the validated options (own-keys.ts).
    prepared ??= mergeOwnKeys<Options>(options);
    (prepared as Record<string, unknown>)[registration.optionKey] = registration.prepare(
      value,
      `${source} option "${registration.optionKey}"`,
    );
  }
  return prepared ?? options;
}

/** The policies of a function's pipeline (`withRetry`, `retryable`, RetryContext, integrations). */
export function createFunctionPolicies(
  registrations: readonly PolicyRegistration[],
  options: object,
  scope: PolicyScope,
): PipelinePolicy[] {
  const policies: PipelinePolicy[] = [];
  for (const registration of registrations) {
    const setting = ownSetting(options, registration.optionKey);
    const policy = registration.create(setting, scope);
    if (policy !== undefined) policies.push(policy);
  }
  return policies;
}

/** A policy's setting among `options`, read as an own key only (own-keys.ts). */
export function ownSetting(options: object | undefined, key: string): unknown {
  return options !== undefined && Object.hasOwn(options, key)
    ? (options as Record<string, unknown>)[key]
    : undefined;
}
