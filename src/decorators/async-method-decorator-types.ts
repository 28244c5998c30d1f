import type { ClassDecoratorFunction } from './decorator-types';

/** A method that answers asynchronously: with a promise, or as an async iterable (a stream). */
type AsynchronousMethod = (...args: never[]) => PromiseLike<unknown> | AsyncIterable<unknown>;

/**
 * A decorator for methods that answer asynchronously (`@Timeout`, `@Hedge`), in both decorator
 * modes: on a synchronous method it does not compile, as it is refused at run time.
 */
export interface AsyncMethodDecoratorFunction {
  /** TC39 standard decorators. */
  <This, Method extends AsynchronousMethod>(
    method: Method,
    context: ClassMethodDecoratorContext<This>,
  ): Method | void;
  /** Legacy `experimentalDecorators`. */
  <Method extends AsynchronousMethod>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<Method>,
  ): TypedPropertyDescriptor<Method> | void;
}

/** `@Timeout` and `@Hedge` go on an asynchronous method or on a class. */
export interface AsyncMethodOrClassDecoratorFunction
  extends AsyncMethodDecoratorFunction, ClassDecoratorFunction {}
