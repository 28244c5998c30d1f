import type { ConcurrencyLimiter } from '../policies/concurrency-limit/concurrency-limiter';
import type { ConcurrencyLimiterOptions } from '../policies/concurrency-limit/options';
import { concurrencyLimitRegistration } from '../policies/concurrency-limit/pipeline-policy';
import { wrapMethod } from './apply-lane';
import { checkClassLayers, decoratedMethodFor } from './decorated-method';
import { readDecoratorArguments, rejectUseWithoutParentheses } from './decorator-arguments';
import type { MethodOrClassDecoratorFunction } from './decorator-types';

/**
 * At most `maxConcurrent` calls of the method (or of every decorated method of a class) at once,
 * up to `maxQueued` waiting in FIFO order, the rest failing fast with `ConcurrencyLimitError`. A
 * call holds its slot across its retries and their waits. Given options, it makes one
 * `ConcurrencyLimiter`, here: on a method it serves all instances, on a class all its decorated
 * methods; pass a `ConcurrencyLimiter` to share one more widely.
 */
export function ConcurrencyLimit(
  options: ConcurrencyLimiterOptions | ConcurrencyLimiter,
): MethodOrClassDecoratorFunction {
  rejectUseWithoutParentheses(
    arguments.length,
    '@ConcurrencyLimit',
    'concurrency-limit options or a ConcurrencyLimiter',
    '@ConcurrencyLimit({ maxConcurrent })',
  );
  if (typeof options === 'function') {
    throw new TypeError(
      `@ConcurrencyLimit: expected concurrency-limit options or a ConcurrencyLimiter, got a function; write @ConcurrencyLimit({ maxConcurrent }) with its options`,
    );
  }
  const limiter = concurrencyLimitRegistration.prepare(options, '@ConcurrencyLimit');
  return function concurrencyLimitDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@ConcurrencyLimit');
    if (application.kind === 'member') {
      throw new TypeError(
        `@ConcurrencyLimit cannot decorate ${application.description}: put it on a method or on the class`,
      );
    }
    const kind = concurrencyLimitRegistration.kind;
    if (application.kind === 'class') {
      const record = application.owner.access.ensureOwnRecord(application.owner.key);
      if (record.settings.has(kind)) {
        throw new TypeError(
          `@ConcurrencyLimit is applied twice to class ${application.name}; a class has one concurrency limit`,
        );
      }
      record.settings.set(kind, limiter);
      record.className = application.name;
      checkClassLayers(application.owner, {
        key: application.owner.key,
        value: application.value,
        name: application.name,
      });
      return undefined;
    }
    const decorated = decoratedMethodFor(application);
    if (decorated.settings.has(kind)) {
      throw new TypeError(
        `@ConcurrencyLimit is applied twice to method "${application.name}"; a method has one concurrency limit`,
      );
    }
    decorated.settings.set(kind, limiter);
    return wrapMethod(application, decorated, '@ConcurrencyLimit');
  } as MethodOrClassDecoratorFunction;
}
