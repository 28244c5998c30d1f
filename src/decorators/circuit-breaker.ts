import type { Breaker } from '../policies/circuit-breaker/breaker';
import type { CircuitBreakerOptions } from '../policies/circuit-breaker/options';
import { circuitBreakerRegistration } from '../policies/circuit-breaker/pipeline-policy';
import type { MethodOrClassDecoratorFunction } from './decorator-types';
import {
  applyPolicyDecorator,
  rejectFactoryWithoutParentheses,
  settingPerApplication,
} from './policy-decorator';

/**
 * A circuit breaker around every attempt of the method (retries included), or of every decorated
 * method of a class. Given options, it makes one `Breaker` for each method or class it is put on:
 * on a method it serves all instances, on a class all its decorated methods; pass a `Breaker` to
 * share one more widely. Where it runs in the pipeline does not depend on the order of the
 * decorators (DESIGN 1b).
 */
export function CircuitBreaker(
  options?: CircuitBreakerOptions | Breaker,
): MethodOrClassDecoratorFunction {
  rejectFactoryWithoutParentheses(arguments.length, options, {
    source: '@CircuitBreaker',
    expected: 'breaker options or a Breaker',
    usage: '@CircuitBreaker()',
  });
  const breaker = settingPerApplication(() =>
    circuitBreakerRegistration.prepare(options === undefined ? {} : options, '@CircuitBreaker'),
  );
  return function circuitBreakerDecorator(...args: unknown[]) {
    return applyPolicyDecorator(args, {
      source: '@CircuitBreaker',
      kind: circuitBreakerRegistration.kind,
      setting: breaker(),
      oneOf: 'breaker',
    });
  } as MethodOrClassDecoratorFunction;
}
