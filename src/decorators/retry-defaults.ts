import type { RetryDefaultsOptions } from '../policy/options';
import { validateRetryDefaultsOptions } from '../policy/validate-options';
import { decorateClass } from './decorated-method';
import { preparePolicySettings } from '../core/policy-registry';
import { policyRegistrations } from '../policies/registrations';
import { readDecoratorArguments } from './decorator-arguments';
import { settingPerApplication } from './policy-decorator';
import type { ClassDecoratorFunction } from './decorator-types';

/**
 * Per-class defaults for the decorated methods of the class and its subclasses: top-level fields
 * for `@Retry` methods, `rateLimit` for `@RetryOnRateLimit` methods. A subclass's own
 * `@RetryDefaults` overrides field by field; method options override both. Undecorated methods
 * are not retried.
 */
export function RetryDefaults(options: RetryDefaultsOptions): ClassDecoratorFunction {
  // A breaker (or limiter) given as options is made once per class: one for all its methods.
  const prepared = settingPerApplication(() =>
    preparePolicySettings(
      policyRegistrations,
      validateRetryDefaultsOptions(options, '@RetryDefaults'),
      '@RetryDefaults',
    ),
  );
  return function retryDefaultsDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@RetryDefaults');
    if (application.kind !== 'class') {
      const where =
        application.kind === 'method' ? `method "${application.name}"` : application.description;
      throw new TypeError(
        `@RetryDefaults decorates classes, not ${where}; on a method use @Retry(options)`,
      );
    }
    const validated = prepared();
    decorateClass(application, (record) => {
      if (record.defaults !== undefined) {
        throw new TypeError(
          `@RetryDefaults is applied twice to class ${application.name}; merge the options into one`,
        );
      }
      record.defaults = validated;
    });
  } as ClassDecoratorFunction;
}
