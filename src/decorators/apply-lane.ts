import type { RateLimitOptions, RetryOptions } from '../policy/options';
import { copyFunctionMetadata, reflectMetadataLoaded } from './class-metadata';
import {
  attachStatisticsIfExtensible,
  decoratedMethodFor,
  installWrapper,
  type DecoratedMethod,
} from './decorated-method';
import { readDecoratorArguments, type DecoratorApplication } from './decorator-arguments';

type Lane =
  | { readonly name: 'retry'; readonly options: RetryOptions }
  | { readonly name: 'rateLimit'; readonly options: RateLimitOptions };

/**
 * What `@Retry` and `@RetryOnRateLimit` do when applied: record the lane's options on the method
 * and install its wrapper if no stacked decorator has yet. Returns what the decorator returns in
 * the mode it was applied in (the new method, or the legacy descriptor).
 */
export function applyLane(args: readonly unknown[], source: string, lane: Lane): unknown {
  const application = readDecoratorArguments(args, source);
  if (application.kind === 'class') {
    throw new TypeError(
      `${source} cannot decorate a class (${application.name}): put ${source}(...) on its methods, and class-wide defaults in @RetryDefaults(...)`,
    );
  }
  if (application.kind === 'member') {
    throw new TypeError(
      `${source} cannot decorate ${application.description}: ${application.fix ?? 'it decorates methods; to retry a function stored in a field, wrap it with retryable(fn, options)'}`,
    );
  }
  const decorated = decoratedMethodFor(application);
  if (decorated[lane.name] !== undefined) {
    throw new TypeError(
      `${source} is applied twice to method "${application.name}"; merge the options into one ${source}(...)`,
    );
  }
  if (lane.name === 'retry') decorated.retry = lane.options;
  else decorated.rateLimit = lane.options;
  if (
    lane.name === 'retry' &&
    lane.options.idempotent === false &&
    decorated.settings.has('hedge')
  ) {
    throw new TypeError(
      `${source}({ idempotent: false }) on method "${application.name}": the method has @Hedge, which runs a call more than once at the same time; hedging is only for idempotent calls`,
    );
  }
  return wrapMethod(application, decorated, source);
}

/**
 * Installs the method's one wrapper unless a stacked decorator already did, and returns what the
 * decorator returns in the mode it was applied in (the new method, or the legacy descriptor).
 */
export function wrapMethod(
  application: Extract<DecoratorApplication, { kind: 'method' }>,
  decorated: DecoratedMethod,
  source: string,
): unknown {
  const wrapper = installWrapper(decorated, application.method, source);
  if (wrapper === undefined && application.method !== decorated.wrapper) {
    // Another decorator between ours replaced the wrapper: `stats(instance.method)` must still
    // find the method's counters on what this (upper) decorator leaves as the method.
    attachStatisticsIfExtensible(application.method, decorated);
  }
  if (application.descriptor === undefined) {
    // Standard decorators keep their data in `context.metadata`, but some keep it on the method
    // with reflect-metadata, as legacy ones do: the wrapper carries it when the library is loaded.
    if (wrapper !== undefined && reflectMetadataLoaded()) {
      copyFunctionMetadata(application.method, wrapper, source);
    }
    return wrapper;
  }
  if (wrapper !== undefined) {
    copyFunctionMetadata(application.method, wrapper, source);
    application.descriptor.value = wrapper;
  }
  return application.descriptor;
}
