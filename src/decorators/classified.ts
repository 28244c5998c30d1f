import type { Classifier } from '../classify/classifier';
import { describeValue } from '../policy/describe-value';
import { isClassConstructor } from '../policy/is-class-constructor';
import { isAsyncFunction } from '../policy/predicate-answer';
import { decorateClass, decoratedMethodFor } from './decorated-method';
import { readDecoratorArguments, rejectUseWithoutParentheses } from './decorator-arguments';
import type { ClassifiedDecoratorFunction } from './decorator-types';

/**
 * Adds a classifier for a method, or for every method of a class and its subclasses. Consulted in
 * order: method classifiers, class classifiers (subclass before base), then `classifyError`; a
 * classifier returns `undefined` to defer to the next.
 */
export function Classified(classifier: Classifier): ClassifiedDecoratorFunction {
  rejectUseWithoutParentheses(
    arguments.length,
    '@Classified',
    'a classifier function',
    '@Classified(classifier)',
  );
  if (isClassConstructor(classifier)) {
    // Legacy decorators hand a class decorator written without parentheses the class itself.
    throw new TypeError(
      `@Classified: expected a classifier function, got the class ${classifier.name}; ` +
        'write @Classified(classifier) with parentheses',
    );
  }
  if (isAsyncFunction(classifier)) {
    throw new TypeError(
      `@Classified: the classifier must answer synchronously, not be an async function (its promise would never be awaited), got ${describeValue(classifier)}`,
    );
  }
  if (typeof classifier !== 'function') {
    throw new TypeError(
      '@Classified: expected a classifier function (error) => ErrorCategory | undefined, ' +
        `got ${describeValue(classifier)}`,
    );
  }
  return function classifiedDecorator(...args: unknown[]) {
    const application = readDecoratorArguments(args, '@Classified');
    if (application.kind === 'member') {
      throw new TypeError(
        `@Classified cannot decorate ${application.description}: ${application.fix ?? 'put it on a method or on the class'}`,
      );
    }
    // Decorators apply bottom-up; unshift keeps the classifiers in reading order (top first).
    if (application.kind === 'class') {
      decorateClass(application, (record) => record.classifiers.unshift(classifier));
      return undefined;
    }
    decoratedMethodFor(application).classifiers.unshift(classifier);
    return application.descriptor;
  } as ClassifiedDecoratorFunction;
}
