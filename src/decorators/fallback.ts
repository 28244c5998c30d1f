import { fallbackRegistration } from '../policies/fallback/pipeline-policy';
import { resolveFallback, type FallbackOptions } from '../policies/fallback/options';
import type {
  FallbackFunctionDecoratorFunction,
  FallbackValueDecoratorFunction,
} from './decorator-types';
import { applyPolicyDecorator } from './policy-decorator';

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
    return applyPolicyDecorator(args, {
      source: '@Fallback',
      kind: fallbackRegistration.kind,
      setting: fallback,
      oneOf: 'fallback',
    });
  } as FallbackValueDecoratorFunction<unknown>;
}
