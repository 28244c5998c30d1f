import type { ConcurrencyLimiter } from '../policies/concurrency-limit/concurrency-limiter';
import type { ConcurrencyLimiterOptions } from '../policies/concurrency-limit/options';
import { concurrencyLimitRegistration } from '../policies/concurrency-limit/pipeline-policy';
import type { MethodOrClassDecoratorFunction } from './decorator-types';
import {
  applyPolicyDecorator,
  rejectFactoryWithoutParentheses,
  settingPerApplication,
} from './policy-decorator';

/**
 * At most `maxConcurrent` calls of the method (or of every decorated method of a class) at once,
 * up to `maxQueued` waiting in FIFO order, the rest failing fast with `ConcurrencyLimitError`. A
 * call holds its slot across its retries and their waits. Given options, it makes one
 * `ConcurrencyLimiter` per method or class: on a method it serves all instances, on a class all
 * its decorated methods; pass a `ConcurrencyLimiter` to share one more widely.
 */
export function ConcurrencyLimit(
  options: ConcurrencyLimiterOptions | ConcurrencyLimiter,
): MethodOrClassDecoratorFunction {
  rejectFactoryWithoutParentheses(arguments.length, options, {
    source: '@ConcurrencyLimit',
    expected: 'concurrency-limit options or a ConcurrencyLimiter',
    usage: '@ConcurrencyLimit({ maxConcurrent })',
    functionFix: '@ConcurrencyLimit({ maxConcurrent }) with its options',
  });
  const limiter = settingPerApplication(() =>
    concurrencyLimitRegistration.prepare(options, '@ConcurrencyLimit'),
  );
  return function concurrencyLimitDecorator(...args: unknown[]) {
    return applyPolicyDecorator(args, {
      source: '@ConcurrencyLimit',
      kind: concurrencyLimitRegistration.kind,
      setting: limiter(),
      oneOf: 'concurrency limit',
    });
  } as MethodOrClassDecoratorFunction;
}
