import { hedgeRegistration } from '../policies/hedge/pipeline-policy';
import type { HedgeOptions } from '../policies/hedge/options';
import type { AsyncMethodOrClassDecoratorFunction } from './async-method-decorator-types';
import { applyPolicyDecorator, rejectFactoryWithoutParentheses } from './policy-decorator';

/**
 * Hedged attempts for the method, or for every decorated method of a class: when an attempt has
 * not settled after `delay` (ms, or 'p90' / 'p95' / 'p99' of the method's recent latencies),
 * another starts beside it, up to `maxHedges`; the first success wins and the others are aborted
 * through their signals (`currentAttempt().signal`). Hedges are paid from the retry budget, pass
 * the circuit breaker, and count toward `maxAttempts`. Refused on a method with `idempotent: false`.
 */
export function Hedge(options: HedgeOptions): AsyncMethodOrClassDecoratorFunction {
  rejectFactoryWithoutParentheses(arguments.length, options, {
    source: '@Hedge',
    expected: 'hedge options ({ delay, maxHedges })',
    usage: '@Hedge({ delay })',
    functionFix: '@Hedge(...) with its options',
  });
  const resolved = hedgeRegistration.prepare(options, '@Hedge');
  return function hedgeDecorator(...args: unknown[]) {
    return applyPolicyDecorator(args, {
      source: '@Hedge',
      kind: hedgeRegistration.kind,
      setting: resolved,
      checkMethod: (decorated, name) => {
        if (decorated.retry?.idempotent === false) {
          throw new TypeError(
            `@Hedge on method "${name}": the method has @Retry({ idempotent: false }); hedging runs a call more than once at the same time, so it is only for idempotent calls`,
          );
        }
      },
    });
  } as AsyncMethodOrClassDecoratorFunction;
}
