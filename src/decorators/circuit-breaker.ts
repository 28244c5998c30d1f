import type { Breaker } from '../policies/circuit-breaker/breaker';
import type { CircuitBreakerOptions } from '../policies/circuit-breaker/options';
import { circuitBreakerRegistration } from '../policies/circuit-breaker/pipeline-policy';
import { wrapMethod } from './apply-lane';
import { decoratedMethodFor } from './decorated-method';
import { readDecoratorArguments, rejectUseWithoutParentheses } from './decorator-arguments';
import type { MethodOrClassDecoratorFunction } from './decorator-types';

/**
 * A circuit breaker around every attempt of the method (retries included), or of every decorated
 * method of a class. Given options, it makes one `Breaker`, here: on a method it serves all
 * instances, on a class all its decorated methods; pass a `Breaker` to share one more widely.
 * Where it runs in the pipeline does not depend on the order of the decorators (DESIGN 1b).
 */
export function CircuitBreaker(
  options?: CircuitBreakerOptions | Breaker,
): MethodOrClassDecoratorFunction {
  rejectUseWithoutParentheses(
    arguments.length,
    '@CircuitBreaker',
    'breaker options or a Breaker',
    '@CircuitBreaker()',
  );
  if (typeof options === 'function') {
    // Legacy decorators hand a class decorator written without parentheses the class itself.
    throw new TypeError(
      `@CircuitBreaker: expected breaker options or a Breaker, got a function; write @CircuitBreaker() with parentheses`,
    );
  }
  const breaker = circuitBreakerRegistration.prepare(options ?? {}, '@CircuitBreaker');
  return function circuitBreakerDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@CircuitBreaker');
    if (application.kind === 'member') {
      throw new TypeError(
        `@CircuitBreaker cannot decorate ${application.description}: put it on a method or on the class`,
      );
    }
    const kind = circuitBreakerRegistration.kind;
    if (application.kind === 'class') {
      const record = application.owner.access.ensureOwnRecord(application.owner.key);
      if (record.settings.has(kind)) {
        throw new TypeError(
          `@CircuitBreaker is applied twice to class ${application.name}; a class has one breaker`,
        );
      }
      record.settings.set(kind, breaker);
      return undefined;
    }
    const decorated = decoratedMethodFor(application);
    if (decorated.settings.has(kind)) {
      throw new TypeError(
        `@CircuitBreaker is applied twice to method "${application.name}"; a method has one breaker`,
      );
    }
    decorated.settings.set(kind, breaker);
    return wrapMethod(application, decorated, '@CircuitBreaker');
  } as MethodOrClassDecoratorFunction;
}
