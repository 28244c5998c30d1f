import type { RetryDefaultsOptions, ReturnsStream } from '../policy/options';
import { createRetryPolicy } from '../policy/retry-policy';
import { validateRetryDefaultsOptions } from '../policy/validate-options';
import { mergeOwnKeys } from '../policy/own-keys';
import { isPlainObject } from '../policies/option-snapshot';
import { policyRegistrations } from '../policies/registrations';
import { callAsynchronouslyWithRetry, type RetriedFunction } from './call-with-retry';
import { PipelineCache } from './fast-path/pipeline-cache';
import { createRetryingFunction } from './fast-path/retrying-function';
import { CallStatistics, attachStatistics } from '../telemetry/statistics';
import { compilePipeline, type Pipeline, type PipelineTelemetry } from './pipeline';
import { createFunctionPolicies, preparePolicySettings, type PolicyScope } from './policy-registry';

/**
 * Options of `withRetry` and `retryable`: `RetryOptions` for the retry lane, optionally
 * `rateLimit` to give rate-limit errors their own lane, as `@RetryOnRateLimit` does, and the other
 * policies' keys (`budget`, `circuitBreaker`, `rateLimiter`, `concurrencyLimit`, `fallback`,
 * `timeout`, `hedge`, `attemptContext`). `Result` is what `retryOnResult` and `onSuccess` are given:
 * the function's result, or what its promise resolves to.
 */
export type FunctionRetryOptions<Result = unknown> = RetryDefaultsOptions<Result>;

/** Options of `retryable` for an async generator function: `retryOnResult` is never called there. */
export type StreamRetryOptions = Omit<FunctionRetryOptions, 'retryOnResult'>;

/**
 * The options `retryable` takes for `Target`: `retryOnResult` is given what `Target` returns (what
 * its promise resolves to), and is refused for a function that returns an async iterable (a stream).
 */
export type RetryableOptions<Target extends (...args: never[]) => unknown> =
  ReturnsStream<ReturnType<Target>> extends true
    ? StreamRetryOptions
    : FunctionRetryOptions<Awaited<ReturnType<Target>>>;

/** Validates function options and compiles them into a pipeline; throws naming a bad option. */
export function compileFunctionPipeline(
  options: unknown,
  scope: PolicyScope,
  validate: (
    options: unknown,
    source: string,
  ) => FunctionRetryOptions = validateRetryDefaultsOptions,
  telemetry: PipelineTelemetry = {
    identity: { className: undefined, method: scope.source },
    statistics: new CallStatistics(),
  },
): Pipeline {
  const validated = preparePolicySettings(
    policyRegistrations,
    validate(options, scope.source),
    scope.source,
  );
  const { rateLimit, ...retry } = validated;
  return compilePipeline(
    createRetryPolicy({ retry: [retry], rateLimit: rateLimit && [rateLimit] }),
    createFunctionPolicies(policyRegistrations, validated, scope),
    telemetry,
  );
}

const callScope: PolicyScope = { kind: 'call', owner: undefined, source: 'withRetry' };

let defaultCallPipeline: Pipeline | undefined;

/**
 * The pipeline of a `withRetry` call. Validating and compiling options costs far more than a call
 * that succeeds, and callers pass the same options object call after call, so the pipeline is kept
 * per options object and used again while the object's own keys and values (and those of its
 * `rateLimit`) are the ones it was compiled from, an array's items included: a changed option is
 * never missed, nor an array changed in place (`retryCategories.push(...)`). Each own key is
 * read once per call, and a pipeline is compiled from exactly the values read (validate-options.ts:
 * one snapshot), so a getter that answers differently on a second read cannot slip past.
 */
function pipelineOfCall(options: object | undefined): Pipeline {
  if (options === undefined) {
    return (defaultCallPipeline ??= compileFunctionPipeline({}, callScope));
  }
  if (!isPlainObject(options)) {
    return compileFunctionPipeline(options, callScope); // throws, naming the value
  }
  const compiled = compiledByOptions.get(options);
  const snapshot = changedSnapshot(options, compiled?.snapshot);
  if (snapshot === undefined) {
    const rateLimit = snapshotValue(compiled!.snapshot, 'rateLimit');
    if (!isPlainObject(rateLimit)) return compiled!.pipeline;
    const rateLimitSnapshot = changedSnapshot(rateLimit, compiled!.rateLimitSnapshot);
    if (rateLimitSnapshot === undefined) return compiled!.pipeline;
    return compileAndKeep(options, compiled!.snapshot, rateLimitSnapshot);
  }
  const rateLimit = snapshotValue(snapshot, 'rateLimit');
  return compileAndKeep(
    options,
    snapshot,
    isPlainObject(rateLimit) ? changedSnapshot(rateLimit, undefined)! : noSnapshot,
  );
}

function compileAndKeep(
  options: object,
  snapshot: readonly unknown[],
  rateLimitSnapshot: readonly unknown[],
): Pipeline {
  const given = recordOf(snapshot);
  if (isPlainObject(given.rateLimit)) given.rateLimit = recordOf(rateLimitSnapshot);
  const pipeline = compileFunctionPipeline(given, callScope);
  compiledByOptions.set(options, {
    pipeline,
    snapshot: withArrayItems(snapshot),
    rateLimitSnapshot: withArrayItems(rateLimitSnapshot),
  });
  return pipeline;
}

/**
 * An option array as a pipeline was compiled from it: the array and its items then. The pipeline
 * may keep the array itself (`delays`) or what it made of its items (`retryCategories`), so an
 * array changed in place is a changed option, compiled (and checked) again.
 */
class ArrayOption {
  constructor(
    readonly array: readonly unknown[],
    readonly items: readonly unknown[],
  ) {}
}

/**
 * `snapshot` with each array value kept with a copy of its items. Copied only once compiling has
 * validated it: a huge sparse array is refused at its first hole, never copied.
 */
function withArrayItems(snapshot: readonly unknown[]): readonly unknown[] {
  return snapshot.map((entry, index) =>
    index % 2 === 1 && Array.isArray(entry) ? new ArrayOption(entry, entry.slice()) : entry,
  );
}

/** Whether `read` is the value `kept` in a snapshot: the same value, and an array's same items. */
function isKeptValue(read: unknown, kept: unknown): boolean {
  if (!(kept instanceof ArrayOption)) return read === kept;
  if (read !== kept.array) return false;
  const { array, items } = kept;
  if (array.length !== items.length) return false;
  for (let index = 0; index < items.length; index += 1) {
    if (array[index] !== items[index]) return false;
  }
  return true;
}

/** A snapshot's value, as read from the options. */
function readValue(kept: unknown): unknown {
  return kept instanceof ArrayOption ? kept.array : kept;
}

interface CompiledOptions {
  readonly pipeline: Pipeline;
  /** The options' own enumerable keys and values it was compiled from: key, value, key, value... */
  readonly snapshot: readonly unknown[];
  /** The same for the `rateLimit` object among them. */
  readonly rateLimitSnapshot: readonly unknown[];
}

const compiledByOptions = new WeakMap<object, CompiledOptions>();
const noSnapshot: readonly unknown[] = [];

/**
 * Reads each own enumerable key of `value` once: undefined when keys and values are those of
 * `previous`, otherwise the new snapshot (key, value, key, value...). Nothing is allocated on a hit.
 */
function changedSnapshot(
  value: object,
  previous: readonly unknown[] | undefined,
): unknown[] | undefined {
  let fresh: unknown[] | undefined = previous === undefined ? [] : undefined;
  let index = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue; // own keys only (own-keys.ts)
    const read = (value as Record<string, unknown>)[key];
    if (
      fresh === undefined &&
      (key !== previous![index] || !isKeptValue(read, previous![index + 1]))
    ) {
      fresh = previous!.slice(0, index);
    }
    if (fresh !== undefined) fresh.push(key, read);
    index += 2;
  }
  if (fresh === undefined && index !== previous!.length) fresh = previous!.slice(0, index);
  return fresh;
}

function snapshotValue(snapshot: readonly unknown[], key: string): unknown {
  for (let index = 0; index < snapshot.length; index += 2) {
    if (snapshot[index] === key) return readValue(snapshot[index + 1]);
  }
  return undefined;
}

/** A snapshot as a record without a prototype, for validation. */
function recordOf(snapshot: readonly unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = mergeOwnKeys();
  for (let index = 0; index < snapshot.length; index += 2) {
    record[snapshot[index] as string] = readValue(snapshot[index + 1]);
  }
  return record;
}

/**
 * Runs `fn` now, retrying it per `options`; resolves with its result or rejects with its last
 * error. `retryOnResult` is given what `fn` returns (what its promise resolves to).
 */
// `Awaited` in the options keeps them from steering the inference: Result comes from fn alone, so a
// predicate typed for the promise rather than its value is refused.
export function withRetry<Result>(
  fn: () => Result | PromiseLike<Result>,
  options?: FunctionRetryOptions<Awaited<Result>>,
): Promise<Result> {
  if (typeof fn !== 'function') {
    throw new TypeError(`withRetry: expected a function, got ${typeof fn}`);
  }
  return callAsynchronouslyWithRetry(
    pipelineOfCall(options),
    fn as RetriedFunction,
    undefined,
    noArguments,
  ) as Promise<Result>;
}

const noArguments: readonly unknown[] = [];

/**
 * Returns a function with the same signature as `fn` that retries it per `options`. Like a
 * decorated method, a synchronous `fn` stays synchronous and an async generator is retried until
 * its first value. It has its own retry budget unless `options.budget` names one (or is `false`).
 */
export function retryable<Target extends (...args: never[]) => unknown>(
  fn: Target,
  options?: RetryableOptions<Target>,
): Target {
  if (typeof fn !== 'function') {
    throw new TypeError(`retryable: expected a function, got ${typeof fn}`);
  }
  const statistics = new CallStatistics();
  const pipeline = compileFunctionPipeline(
    options,
    { kind: 'function', owner: undefined, source: 'retryable' },
    validateRetryDefaultsOptions,
    { identity: { className: undefined, method: fn.name || 'retryable' }, statistics },
  );
  // One pipeline whatever `this` is: the success path never reads its class.
  const pipelines = new PipelineCache(() => pipeline);
  pipelines.share(pipeline);
  const retrying = createRetryingFunction(
    fn as RetriedFunction,
    pipelines,
    'retryable',
    pipeline.firstAttempt,
  );
  attachStatistics(retrying, statistics);
  return retrying as Target;
}
