import { timeoutRegistration } from '../policies/timeout/pipeline-policy';
import type { TimeoutSetting } from '../policies/timeout/options';
import type { AsyncMethodOrClassDecoratorFunction } from './async-method-decorator-types';
import { applyPolicyDecorator, rejectFactoryWithoutParentheses } from './policy-decorator';

/**
 * A time limit on every attempt of the method (retries and hedges included), or of every
 * decorated method of a class: `@Timeout(5000)` or `@Timeout({ ms: 5000 })`. When it passes, the
 * attempt's signal (`currentAttempt().signal`) aborts and the attempt rejects with
 * `AttemptTimeoutError`, which `@Retry` retries. Only for methods that return a promise (or async
 * generators, until their first value): a synchronous method is refused at its first call.
 */
export function Timeout(setting: TimeoutSetting): AsyncMethodOrClassDecoratorFunction {
  rejectFactoryWithoutParentheses(arguments.length, setting, {
    source: '@Timeout',
    expected: 'a number of milliseconds or { ms }',
    usage: '@Timeout(ms)',
    functionFix: '@Timeout(...) with its options',
  });
  const ms = timeoutRegistration.prepare(setting, '@Timeout');
  return function timeoutDecorator(...args: unknown[]) {
    return applyPolicyDecorator(args, {
      source: '@Timeout',
      kind: timeoutRegistration.kind,
      setting: ms,
    });
  } as AsyncMethodOrClassDecoratorFunction;
}
