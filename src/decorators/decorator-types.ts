/** Any class, abstract or not, whatever its constructor parameters. */
export type AnyClass = abstract new (...args: never[]) => unknown;

/**
 * A decorator for methods, in both decorator modes. The types reject fields, getters, setters,
 * accessors and classes at compile time; the run-time checks give JavaScript callers the same.
 */
export interface MethodDecoratorFunction {
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

/** `@Classified` goes on a method or on a class. */
export interface MethodOrClassDecoratorFunction
  extends MethodDecoratorFunction, ClassDecoratorFunction {}
