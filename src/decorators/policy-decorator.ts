import type { PolicyKind } from '../core/pipeline';
import { wrapMethod } from './apply-lane';
import { decorateClass, decoratedMethodFor, type DecoratedMethod } from './decorated-method';
import { readDecoratorArguments, rejectUseWithoutParentheses } from './decorator-arguments';

/** What a policy decorator that goes on a method or on a class records, and how it words errors. */
export interface PolicyDecoration {
  /** The decorator as the errors name it: `'@CircuitBreaker'`. */
  readonly source: string;
  readonly kind: PolicyKind;
  /** The prepared setting, stored under `kind` on the method or the class. */
  readonly setting: unknown;
  /**
   * What a method or a class has one of (`'breaker'`): the "applied twice" error then ends "a
   * method has one breaker". Without it, it ends "merge the options into one".
   */
  readonly oneOf?: string;
  /** Sees the method's record after the setting is in it (for rules between decorators of one method). */
  readonly checkMethod?: (decorated: DecoratedMethod, methodName: string) => void;
}

/**
 * What a policy decorator that goes on a method or on a class (`@CircuitBreaker`, `@Timeout`, ...)
 * does when applied: record its prepared setting, once per method or class, and install the
 * method's one wrapper. Returns what the decorator returns in the mode it was applied in.
 */
export function applyPolicyDecorator(
  args: readonly unknown[],
  { source, kind, setting, oneOf, checkMethod }: PolicyDecoration,
): unknown {
  const appliedTwice = (where: 'method' | 'class', name: string) =>
    new TypeError(
      `${source} is applied twice to ${where} ${name}; ${oneOf === undefined ? 'merge the options into one' : `a ${where} has one ${oneOf}`}`,
    );
  const application = readDecoratorArguments(args, source);
  if (application.kind === 'member') {
    throw new TypeError(
      `${source} cannot decorate ${application.description}: ${application.fix ?? 'put it on a method or on the class'}`,
    );
  }
  if (application.kind === 'class') {
    decorateClass(application, (record) => {
      if (record.settings.has(kind)) throw appliedTwice('class', application.name);
      record.settings.set(kind, setting);
    });
    return undefined;
  }
  const decorated = decoratedMethodFor(application);
  if (decorated.settings.has(kind)) throw appliedTwice('method', `"${application.name}"`);
  decorated.settings.set(kind, setting);
  checkMethod?.(decorated, application.name);
  return wrapMethod(application, decorated, source);
}

/**
 * Refuses a function given where an options object was expected: a decorator written without
 * parentheses, which legacy decorators call with the class itself. `fix` says how to write it.
 */
function rejectFunctionOptions(
  options: unknown,
  source: string,
  expected: string,
  fix = `${source}(...) with its options`,
): void {
  if (typeof options === 'function') {
    throw new TypeError(`${source}: expected ${expected}, got a function; write ${fix}`);
  }
}

/** How a decorator factory taking options or a shared instance names itself in its usage errors. */
export interface FactoryUsage {
  /** `'@RateLimit'` */
  readonly source: string;
  /** What the factory takes: `'rate-limiter options ({ limit, interval }) or a RateLimiter'`. */
  readonly expected: string;
  /** How to write it: `'@RateLimit({ limit, interval })'`. */
  readonly usage: string;
  /** How the error for a function ends; by default "write `usage` with parentheses". */
  readonly functionFix?: string;
}

/**
 * Refuses the factory written without parentheses: it is then handed a method decorator's
 * arguments (more than one), or, by a legacy class decorator, the class itself (a function).
 */
export function rejectFactoryWithoutParentheses(
  argumentCount: number,
  options: unknown,
  { source, expected, usage, functionFix = `${usage} with parentheses` }: FactoryUsage,
): void {
  rejectUseWithoutParentheses(argumentCount, source, expected, usage);
  rejectFunctionOptions(options, source, expected, functionFix);
}

/**
 * A decorator's setting for each place it is applied: the one `prepare` made when the factory ran
 * (so bad options fail there) for the first, a new one for each other. A breaker or a limiter made
 * from options belongs to one method or class, even when one decorator (`const guarded =
 * CircuitBreaker({...})`) is put in several places; an instance the caller gave is shared as given.
 */
export function settingPerApplication<Setting>(prepare: () => Setting): () => Setting {
  let first: { readonly setting: Setting } | undefined = { setting: prepare() };
  return () => {
    if (first === undefined) return prepare();
    const { setting } = first;
    first = undefined;
    return setting;
  };
}
