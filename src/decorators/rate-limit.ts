import type { RateLimiterOptions } from '../policies/rate-limit/options';
import { rateLimiterRegistration } from '../policies/rate-limit/pipeline-policy';
import type { RateLimiter } from '../policies/rate-limit/rate-limiter';
import { wrapMethod } from './apply-lane';
import { checkClassLayers, decoratedMethodFor } from './decorated-method';
import { readDecoratorArguments, rejectUseWithoutParentheses } from './decorator-arguments';
import type { MethodOrClassDecoratorFunction } from './decorator-types';

/**
 * A rate limiter around every attempt of the method (retries and hedges included), or of every
 * decorated method of a class: at most `limit` units per `interval` ms, an attempt waiting up to
 * `maxWait` for its turn. Given options, it makes one `RateLimiter`, here: on a method it serves
 * all instances, on a class all its decorated methods; pass a `RateLimiter` to share one more
 * widely. Where it runs in the pipeline does not depend on the order of the decorators (DESIGN 1b).
 */
export function RateLimit(
  options: RateLimiterOptions | RateLimiter,
): MethodOrClassDecoratorFunction {
  rejectUseWithoutParentheses(
    arguments.length,
    '@RateLimit',
    'rate-limiter options ({ limit, interval }) or a RateLimiter',
    '@RateLimit({ limit, interval })',
  );
  if (typeof options === 'function') {
    // Legacy decorators hand a class decorator written without parentheses the class itself.
    throw new TypeError(
      `@RateLimit: expected rate-limiter options ({ limit, interval }) or a RateLimiter, got a function; write @RateLimit({ limit, interval }) with parentheses`,
    );
  }
  const limiter = rateLimiterRegistration.prepare(options, '@RateLimit');
  return function rateLimitDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@RateLimit');
    if (application.kind === 'member') {
      throw new TypeError(
        `@RateLimit cannot decorate ${application.description}: put it on a method or on the class`,
      );
    }
    const kind = rateLimiterRegistration.kind;
    if (application.kind === 'class') {
      const record = application.owner.access.ensureOwnRecord(application.owner.key);
      if (record.settings.has(kind)) {
        throw new TypeError(
          `@RateLimit is applied twice to class ${application.name}; a class has one rate limiter`,
        );
      }
      record.settings.set(kind, limiter);
      record.className = application.name;
      // A class decorator is where the merged layers of the class's methods are checked.
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
        `@RateLimit is applied twice to method "${application.name}"; a method has one rate limiter`,
      );
    }
    decorated.settings.set(kind, limiter);
    return wrapMethod(application, decorated, '@RateLimit');
  } as MethodOrClassDecoratorFunction;
}
