import type { PolicyKind } from '../core/pipeline';
import { wrapMethod } from './apply-lane';
import { checkClassLayers, decoratedMethodFor, type DecoratedMethod } from './decorated-method';
import { readDecoratorArguments } from './decorator-arguments';

/**
 * What a policy decorator that goes on a method or on a class (`@Timeout`, `@Hedge`) does when
 * applied: record its prepared setting, once per method or class, and install the method's one
 * wrapper. `checkMethod` sees the method's record after the setting is in it (for rules between
 * decorators of one method). Returns what the decorator returns in the mode it was applied in.
 */
export function applyPolicyDecorator(
  args: readonly unknown[],
  source: string,
  kind: PolicyKind,
  setting: unknown,
  checkMethod?: (decorated: DecoratedMethod, methodName: string) => void,
): unknown {
  const application = readDecoratorArguments(args, source);
  if (application.kind === 'member') {
    throw new TypeError(
      `${source} cannot decorate ${application.description}: put it on a method or on the class`,
    );
  }
  if (application.kind === 'class') {
    const record = application.owner.access.ensureOwnRecord(application.owner.key);
    if (record.settings.has(kind)) {
      throw new TypeError(
        `${source} is applied twice to class ${application.name}; merge the options into one`,
      );
    }
    record.settings.set(kind, setting);
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
      `${source} is applied twice to method "${application.name}"; merge the options into one`,
    );
  }
  decorated.settings.set(kind, setting);
  checkMethod?.(decorated, application.name);
  return wrapMethod(application, decorated, source);
}

/** Refuses a function given where an options object was expected (a decorator without parentheses). */
export function rejectFunctionOptions(options: unknown, source: string, expected: string): void {
  if (typeof options === 'function') {
    throw new TypeError(
      `${source}: expected ${expected}, got a function; write ${source}(...) with its options`,
    );
  }
}
