import type { RateLimiterOptions } from '../policies/rate-limit/options';
import { rateLimiterRegistration } from '../policies/rate-limit/pipeline-policy';
import type { RateLimiter } from '../policies/rate-limit/rate-limiter';
import type { MethodOrClassDecoratorFunction } from './decorator-types';
import {
  applyPolicyDecorator,
  rejectFactoryWithoutParentheses,
  settingPerApplication,
} from './policy-decorator';

/**
 * A rate limiter around every attempt of the method (retries and hedges included), or of every
 * decorated method of a class: at most `limit` units per `interval` ms, an attempt waiting up to
 * `maxWait` for its turn. Given options, it makes one `RateLimiter` per method or class: on a
 * method it serves all instances, on a class all its decorated methods; pass a `RateLimiter` to
 * share one more widely. Where it runs in the pipeline does not depend on the order of the
 * decorators (DESIGN 1b).
 */
export function RateLimit(
  options: RateLimiterOptions | RateLimiter,
): MethodOrClassDecoratorFunction {
  rejectFactoryWithoutParentheses(arguments.length, options, {
    source: '@RateLimit',
    expected: 'rate-limiter options ({ limit, interval }) or a RateLimiter',
    usage: '@RateLimit({ limit, interval })',
  });
  const limiter = settingPerApplication(() =>
    rateLimiterRegistration.prepare(options, '@RateLimit'),
  );
  return function rateLimitDecorator(...args: unknown[]) {
    return applyPolicyDecorator(args, {
      source: '@RateLimit',
      kind: rateLimiterRegistration.kind,
      setting: limiter(),
      oneOf: 'rate limiter',
    });
  } as MethodOrClassDecoratorFunction;
}
