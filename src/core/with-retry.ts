import type { RetryDefaultsOptions } from '../policy/options';
import { createRetryPolicy } from '../policy/retry-policy';
import { validateRetryDefaultsOptions } from '../policy/validate-options';
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
 * policies' keys (`circuitBreaker`, `budget`).
 */
export type FunctionRetryOptions = RetryDefaultsOptions;

/** Validates function options and compiles them into a pipeline; throws naming a bad option. */
export function compileFunctionPipeline(
  options: FunctionRetryOptions | undefined,
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
 * `rateLimit`) are the ones it was compiled from: a changed option is never missed.
 */
function pipelineOfCall(options: FunctionRetryOptions | undefined): Pipeline {
  if (options === undefined) {
    return (defaultCallPipeline ??= compileFunctionPipeline({}, callScope));
  }
  if (typeof options !== 'object' || options === null) {
    return compileFunctionPipeline(options, callScope); // throws, naming the value
  }
  const compiled = compiledByOptions.get(options);
  if (compiled !== undefined && isUnchanged(compiled, options)) return compiled.pipeline;
  const pipeline = compileFunctionPipeline(options, callScope);
  compiledByOptions.set(options, {
    pipeline,
    snapshot: snapshotOf(options),
    rateLimit: options.rateLimit,
    rateLimitSnapshot: snapshotOf(options.rateLimit),
  });
  return pipeline;
}

interface CompiledOptions {
  readonly pipeline: Pipeline;
  readonly snapshot: readonly unknown[];
  readonly rateLimit: unknown;
  readonly rateLimitSnapshot: readonly unknown[];
}

const compiledByOptions = new WeakMap<object, CompiledOptions>();

/** The object's own enumerable keys and values, in order: key, value, key, value... */
function snapshotOf(value: unknown): unknown[] {
  const snapshot: unknown[] = [];
  if (typeof value !== 'object' || value === null) return snapshot;
  for (const key of Object.keys(value)) snapshot.push(key, (value as Record<string, unknown>)[key]);
  return snapshot;
}

function isUnchanged(compiled: CompiledOptions, options: FunctionRetryOptions): boolean {
  if (!sameAsSnapshot(options, compiled.snapshot)) return false;
  const { rateLimit } = options;
  return (
    rateLimit === compiled.rateLimit &&
    (rateLimit === undefined || sameAsSnapshot(rateLimit, compiled.rateLimitSnapshot))
  );
}

function sameAsSnapshot(value: object, snapshot: readonly unknown[]): boolean {
  let index = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    if (
      key !== snapshot[index] ||
      (value as Record<string, unknown>)[key] !== snapshot[index + 1]
    ) {
      return false;
    }
    index += 2;
  }
  return index === snapshot.length;
}

/** Runs `fn` now, retrying it per `options`; resolves with its result or rejects with its last error. */
export function withRetry<Result>(
  fn: () => Result | PromiseLike<Result>,
  options?: FunctionRetryOptions,
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
  options?: FunctionRetryOptions,
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
  const retrying = createRetryingFunction(
    fn as RetriedFunction,
    new PipelineCache(() => pipeline),
    'retryable',
  );
  attachStatistics(retrying, statistics);
  return retrying as Target;
}
