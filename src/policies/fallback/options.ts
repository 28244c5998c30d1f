import { isErrorCategory, type ErrorCategory } from '../../classify/error-category';
import { describeValue } from '../../policy/describe-value';
import { everyItem } from '../../policy/every-item';
import { isClassConstructor } from '../../policy/is-class-constructor';
import { isAsyncFunction } from '../../policy/predicate-answer';
import { isPlainObject, takeOptionSnapshot, wrongType } from '../option-snapshot';

/** Which failures fall back: those of these categories, or those the predicate accepts. */
export type FallbackFilter = readonly ErrorCategory[] | ((error: unknown) => boolean);

/** The second argument of `@Fallback(valueOrFunction, options)`. */
export interface FallbackOptions {
  /**
   * Which failures fall back: categories (as the method's classifiers judge the error), or a
   * predicate of the error. A caller's abort never falls back.
   * @default undefined (every failure but a caller's abort)
   */
  on?: FallbackFilter;
}

/**
 * The `fallback` key of `@RetryDefaults`, `withRetry` and `retryable`: `to` is what
 * `@Fallback`'s first argument is (a value, or a function called with `(error, ...args)` and the
 * call's `this`), and `on` is its option.
 */
export interface FallbackSetting<Result = unknown> extends FallbackOptions {
  to: Result | ((error: unknown, ...args: never[]) => Result | PromiseLike<Result>);
}

/** A fallback as the pipeline uses it, checked. */
export interface ResolvedFallback {
  readonly to: unknown;
  readonly on: FallbackFilter | undefined;
}

const knownOptions: ReadonlySet<string> = new Set(['on']);
const knownSettingKeys: ReadonlySet<string> = new Set(['to', 'on']);

/** Checks `@Fallback(to, options)`; throws naming the option and the value. */
export function resolveFallback(to: unknown, options: unknown, source: string): ResolvedFallback {
  if (isClassConstructor(to)) {
    throw new TypeError(
      `${source}: the fallback must be a value or a function (error, ...args) => value, got a class (${describeValue(to)}); a class cannot be called`,
    );
  }
  const given = takeOptionSnapshot(options, source, knownOptions);
  return Object.freeze({ to, on: 'on' in given ? readFilter(given.on, source) : undefined });
}

/** Checks the `fallback` key's setting, `{ to, on? }`; throws naming the option and the value. */
export function resolveFallbackSetting(value: unknown, source: string): ResolvedFallback {
  if (!isPlainObject(value) || !Object.hasOwn(value, 'to')) {
    throw new TypeError(
      `${source} must be { to: value or (error, ...args) => value, on? }, got ${describeValue(value)}`,
    );
  }
  const given = takeOptionSnapshot(value, source, knownSettingKeys);
  const { to } = value;
  return resolveFallback(to, 'on' in given ? { on: given.on } : undefined, source);
}

function readFilter(value: unknown, source: string): FallbackFilter {
  if (typeof value === 'function') {
    if (isClassConstructor(value)) {
      throw wrongType(
        source,
        'on',
        'an array of ErrorCategory values or a predicate (error) => boolean, not a class',
        value,
      );
    }
    if (isAsyncFunction(value)) {
      throw wrongType(
        source,
        'on',
        'a predicate that answers synchronously, not an async function (a promise is always truthy, so it would read as true)',
        value,
      );
    }
    return value as (error: unknown) => boolean;
  }
  if (!Array.isArray(value) || !everyItem(value, isErrorCategory)) {
    throw wrongType(
      source,
      'on',
      'an array of ErrorCategory values or a predicate (error) => boolean',
      value,
    );
  }
  if (value.length === 0) {
    throw new RangeError(`${source}: option "on" must be at least one ErrorCategory, got []`);
  }
  return Object.freeze([...(value as ErrorCategory[])]);
}
