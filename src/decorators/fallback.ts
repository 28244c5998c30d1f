import { fallbackRegistration } from '../policies/fallback/pipeline-policy';
import { resolveFallback, type FallbackOptions } from '../policies/fallback/options';
import { wrapMethod } from './apply-lane';
import { checkClassLayers, decoratedMethodFor } from './decorated-method';
import { readDecoratorArguments } from './decorator-arguments';
import type {
  FallbackFunctionDecoratorFunction,
  FallbackValueDecoratorFunction,
} from './decorator-types';

/**
 * When a call of the method (or of every decorated method of a class) fails for good, answer it
 * with `value`, or with what `handler(error, ...args)` returns, called with the call's `this`.
 * Outermost of all policies (DESIGN 1b): it sees the failure after the retries, the breaker and
 * the concurrency limit are done. Without `on`, any failure but a caller's abort falls back.
 */
export function Fallback<This, Args extends unknown[], Result>(
  handler: (this: This, error: unknown, ...args: Args) => Result,
  options?: FallbackOptions,
): FallbackFunctionDecoratorFunction<This, Args, Result>;
export function Fallback<Value>(
  value: Value,
  options?: FallbackOptions,
): FallbackValueDecoratorFunction<Value>;
export function Fallback(
  valueOrFunction: unknown,
  options?: FallbackOptions,
): FallbackValueDecoratorFunction<unknown> {
  if (arguments.length === 0) {
    throw new TypeError(
      '@Fallback: expected the fallback value or function, got nothing; write @Fallback(value) or @Fallback((error, ...args) => value)',
    );
  }
  if (arguments.length > 2) {
    throw new TypeError(
      '@Fallback: expected a value or function and options, got the arguments of a decorator; write @Fallback(value) with parentheses',
    );
  }
  if (typeof options === 'object' && options !== null && 'kind' in options && 'name' in options) {
    throw new TypeError(
      '@Fallback: expected a value or function and options, got the arguments of a decorator; write @Fallback(value) with parentheses',
    );
  }
  const fallback = resolveFallback(valueOrFunction, options, '@Fallback');
  return function fallbackDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@Fallback');
    if (application.kind === 'member') {
      throw new TypeError(
        `@Fallback cannot decorate ${application.description}: put it on a method or on the class`,
      );
    }
    const kind = fallbackRegistration.kind;
    if (application.kind === 'class') {
      const record = application.owner.access.ensureOwnRecord(application.owner.key);
      if (record.settings.has(kind)) {
        throw new TypeError(
          `@Fallback is applied twice to class ${application.name}; a class has one fallback`,
        );
      }
      record.settings.set(kind, fallback);
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
        `@Fallback is applied twice to method "${application.name}"; a method has one fallback`,
      );
    }
    decorated.settings.set(kind, fallback);
    return wrapMethod(application, decorated, '@Fallback');
  } as FallbackValueDecoratorFunction<unknown>;
}
