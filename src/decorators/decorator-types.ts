import type { ReturnsStream } from '../policy/options';

/** Any class, abstract or not, whatever its constructor parameters. */
export type AnyClass = abstract new (...args: never[]) => unknown;

/**
 * The compiler names this type when a decorator that wraps a method is put on a synchronous
 * generator method, which is refused when the class is defined: the generator's body runs after
 * the call has returned. A method's type is a function, never this, so the decorator is refused.
 */
export interface SyncGeneratorRefused {
  readonly syncGeneratorRefused: 'a synchronous generator runs after the call returned: make it an async generator (async *) or return an array';
}

/** `Accepted`, or a refusal when `Method` returns a synchronous generator (not `any` nor `never`). */
type CheckedNotGenerator<Method, Accepted> = Method extends (...args: never[]) => infer Result
  ? 0 extends 1 & Result
    ? Accepted
    : [Result] extends [never]
      ? Accepted
      : [Result] extends [Generator<unknown, unknown, never>]
        ? SyncGeneratorRefused
        : Accepted
  : Accepted;

/**
 * A decorator for methods, in both decorator modes. The types reject fields, getters, setters,
 * accessors, synchronous generator methods and classes at compile time; the run-time checks give
 * JavaScript callers the same.
 */
export interface MethodDecoratorFunction {
  /** TC39 standard decorators. */
  <This, Method>(
    method: Method,
    context: ClassMethodDecoratorContext<This>,
  ): CheckedNotGenerator<Method, Method | void>;
  /** Legacy `experimentalDecorators`. */
  <Method extends (...args: never[]) => unknown>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): CheckedNotGenerator<Method, TypedPropertyDescriptor<Method> | void>;
}

/** `@Classified`: on a method (of any kind: it does not wrap it) or on a class. */
export interface ClassifiedDecoratorFunction extends ClassDecoratorFunction {
  /** TC39 standard decorators. */
  <This, Method>(method: Method, context: ClassMethodDecoratorContext<This>): Method | void;
  /** Legacy `experimentalDecorators`. */
  <Method extends (...args: never[]) => unknown>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): TypedPropertyDescriptor<Method> | void;
}

/** A decorator for classes, in both decorator modes. */
export interface ClassDecoratorFunction {
  /** TC39 standard decorators. */
  <Class extends AnyClass>(value: Class, context: ClassDecoratorContext<Class>): void;
  /** Legacy `experimentalDecorators`. */
  <Class extends AnyClass>(target: Class): void;
}

/** A policy decorator that goes on a method or on a class. */
export interface MethodOrClassDecoratorFunction
  extends MethodDecoratorFunction, ClassDecoratorFunction {}

/** A method that returns `Result`, or a promise of it: what `retryOnResult` of `Result` is given. */
type MethodWithResult<Result> = (...args: never[]) => Result | PromiseLike<Result>;

/**
 * The compiler names this type, with the reason, when `retryOnResult` does not suit the method it
 * is put on. A method's type is a function, never this, so the decorator is refused.
 */
export interface RetryOnResultRefused<Reason extends string> {
  readonly retryOnResultRefused: Reason;
}

/**
 * What a `@Retry` decorator with a predicate of `Result` returns for `Method`: `Accepted`, or a
 * refusal when the method is a stream or its awaited result is not a `Result` (a predicate typed
 * for the promise itself would satisfy the `MethodWithResult` bound).
 */
type CheckedRetryOnResult<Method extends (...args: never[]) => unknown, Result, Accepted> =
  ReturnsStream<ReturnType<Method>> extends true
    ? RetryOnResultRefused<'it is never called for async generator methods (streams)'>
    : [Awaited<ReturnType<Method>>] extends [Result]
      ? Accepted
      : RetryOnResultRefused<'it is given what the promise resolves to, not the promise'>;

/**
 * What a `@Retry` decorator whose `onSuccess` takes a `Result` returns for `Method`: `Accepted`, or
 * a refusal when the method's awaited result is not a `Result` (a listener typed for the promise
 * itself would satisfy the `MethodWithResult` bound). Streams are accepted: their listener is told
 * `undefined`.
 */
type CheckedOnSuccess<Method extends (...args: never[]) => unknown, Result, Accepted> =
  ReturnsStream<ReturnType<Method>> extends true
    ? Accepted
    : [Awaited<ReturnType<Method>>] extends [Result]
      ? Accepted
      : RetryOnResultRefused<'onSuccess is given what the promise resolves to, not the promise'>;

/**
 * `@Retry(options)` whose `retryOnResult` or `onSuccess`, if it has one, takes a `Result`: it goes
 * on a method whose result (or what its promise resolves to) is a `Result`, or on an async
 * generator method.
 */
export interface RetryDecoratorFunction<Result> {
  /** TC39 standard decorators. */
  <This, Method extends MethodWithResult<Result> | ((...args: never[]) => AsyncIterable<unknown>)>(
    method: Method,
    context: ClassMethodDecoratorContext<This>,
  ): CheckedNotGenerator<Method, CheckedOnSuccess<Method, Result, Method | void>>;
  /** Legacy `experimentalDecorators`. */
  <Method extends MethodWithResult<Result> | ((...args: never[]) => AsyncIterable<unknown>)>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): CheckedNotGenerator<
    Method,
    CheckedOnSuccess<Method, Result, TypedPropertyDescriptor<Method> | void>
  >;
}

/**
 * `@Retry({ retryOnResult })` with a predicate of `Result`: it goes only on a method whose result
 * (or what its promise resolves to) is a `Result`, and not on an async generator method.
 */
export interface RetryOnResultDecoratorFunction<Result> {
  /** TC39 standard decorators. */
  <This, Method extends MethodWithResult<Result>>(
    method: Method,
    context: ClassMethodDecoratorContext<This>,
  ): CheckedRetryOnResult<Method, Result, Method | void>;
  /** Legacy `experimentalDecorators`. */
  <Method extends MethodWithResult<Result>>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): CheckedRetryOnResult<Method, Result, TypedPropertyDescriptor<Method> | void>;
}

/**
 * The compiler names this type, with the reason, when a `@Fallback` does not suit the method it is
 * put on. A method's type is a function, never this, so the decorator is refused.
 */
export interface FallbackRefused<Reason extends string> {
  readonly fallbackRefused: Reason;
}

/** What a fallback may give for `Method`: its result (what its promise resolves to), or for a stream the values to yield instead. */
type FallbackResultOf<Method extends (...args: never[]) => unknown> =
  ReturnsStream<ReturnType<Method>> extends true
    ? Iterable<unknown> | AsyncIterable<unknown>
    : Awaited<ReturnType<Method>>;

type CheckedFallbackValue<Method extends (...args: never[]) => unknown, Value, Accepted> = [
  Value,
] extends [FallbackResultOf<Method>]
  ? Accepted
  : FallbackRefused<'the fallback value is not what the method returns (or what its promise resolves to)'>;

type CheckedFallbackFunction<
  Method extends (...args: never[]) => unknown,
  This,
  Args extends unknown[],
  Result,
  MethodThis,
  Accepted,
> = [(this: This, error: unknown, ...args: Args) => Result] extends [
  (this: MethodThis, error: unknown, ...args: Parameters<Method>) => unknown,
]
  ? [Awaited<Result>] extends [FallbackResultOf<Method>]
    ? Accepted
    : FallbackRefused<'the fallback function returns what the method does not (or what its promise does not resolve to)'>
  : FallbackRefused<"the fallback function does not take (error, ...the method's arguments) with the method's this">;

/** `@Fallback(value)`: on a method whose result (what its promise resolves to) `value` can be, or on a class. */
export interface FallbackValueDecoratorFunction<Value> extends ClassDecoratorFunction {
  /** TC39 standard decorators. */
  <This, Method extends (this: This, ...args: never[]) => unknown>(
    method: Method,
    context: ClassMethodDecoratorContext<This>,
  ): CheckedFallbackValue<Method, Value, Method | void>;
  /** Legacy `experimentalDecorators`. */
  <Method extends (...args: never[]) => unknown>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): CheckedFallbackValue<Method, Value, TypedPropertyDescriptor<Method> | void>;
}

/**
 * `@Fallback((error, ...args) => value)`: on a method whose arguments (and `this`) the function
 * takes and whose result it returns, or on a class.
 */
export interface FallbackFunctionDecoratorFunction<
  This,
  Args extends unknown[],
  Result,
> extends ClassDecoratorFunction {
  /** TC39 standard decorators. */
  <MethodThis, Method extends (this: MethodThis, ...args: never[]) => unknown>(
    method: Method,
    context: ClassMethodDecoratorContext<MethodThis>,
  ): CheckedFallbackFunction<Method, This, Args, Result, MethodThis, Method | void>;
  /** Legacy `experimentalDecorators`. */
  <MethodThis extends object, Method extends (...args: never[]) => unknown>(
    target: MethodThis,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): CheckedFallbackFunction<
    Method,
    This,
    Args,
    Result,
    MethodThis,
    TypedPropertyDescriptor<Method> | void
  >;
}
