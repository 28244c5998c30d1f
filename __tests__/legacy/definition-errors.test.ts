import 'reflect-metadata';
import {
  CircuitBreaker,
  Classified,
  Hedge,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  Timeout,
  type RateLimitOptions,
  type RetryOptions,
} from '../../src';

// The mistakes of ../decorators/definition-errors that legacy decorators can make: the class
// definition throws. (Legacy decorators have no `accessor`, and cannot decorate #private members.)

/**
 * Binds the method to its instance by turning it into a getter, as autobind decorators
 * (`autobind-decorator`, `@boundMethod`) do.
 */
function Bound(): MethodDecorator {
  return (_prototype, key, descriptor: PropertyDescriptor): PropertyDescriptor => {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    return {
      configurable: true,
      get(this: object) {
        const bound = method.bind(this);
        Object.defineProperty(this, key, { value: bound, configurable: true, writable: true });
        return bound;
      },
    };
  };
}

describe('legacy: invalid options fail the class definition', () => {
  it.each<[string, () => unknown, typeof TypeError | typeof RangeError, RegExp]>([
    [
      '@Retry with 0 attempts',
      () => {
        class Service {
          @Retry({ maxAttempts: 0 }) async load(): Promise<void> {}
        }
        return Service;
      },
      RangeError,
      /^@Retry: option "maxAttempts" must be an integer >= 1, got 0$/,
    ],
    [
      '@Retry with an unknown key',
      () => {
        class Service {
          @Retry({ retries: 2 } as RetryOptions) async load(): Promise<void> {}
        }
        return Service;
      },
      TypeError,
      /^@Retry: unknown option "retries" \(value 2\)$/,
    ],
    [
      "@RetryOnRateLimit with jitter 'none'",
      () => {
        class Service {
          @RetryOnRateLimit({ jitter: 'none' } as unknown as RateLimitOptions)
          async load(): Promise<void> {}
        }
        return Service;
      },
      TypeError,
      /^@RetryOnRateLimit: option "jitter" must be jitter that is on .*got "none"$/,
    ],
    [
      '@RetryDefaults with maxDelay below initialDelay',
      () => {
        @RetryDefaults({ initialDelay: 100, maxDelay: 10 })
        class Service {}
        return Service;
      },
      RangeError,
      /^@RetryDefaults: option "maxDelay" must be >= initialDelay \(100\), got 10$/,
    ],
  ])('%s', (_case, define, errorClass, message) => {
    expect(define).toThrow(errorClass);
    expect(define).toThrow(message);
  });
});

describe('legacy: decorators in the wrong place fail the class definition with a TypeError', () => {
  it.each<[string, () => unknown, RegExp]>([
    [
      '@Retry on a class',
      () => {
        // @ts-expect-error -- a method decorator on a class
        @Retry()
        class Service {}
        return Service;
      },
      /^@Retry cannot decorate a class \(Service\): put @Retry\(\.\.\.\) on its methods, and class-wide defaults in @RetryDefaults\(\.\.\.\)$/,
    ],
    [
      '@RetryOnRateLimit on a class',
      () => {
        // @ts-expect-error -- a method decorator on a class
        @RetryOnRateLimit()
        class Service {}
        return Service;
      },
      /^@RetryOnRateLimit cannot decorate a class \(Service\)/,
    ],
    [
      '@Retry on a property',
      () => {
        class Service {
          // @ts-expect-error -- a method decorator on a property
          @Retry() handler = async (): Promise<void> => {};
        }
        return Service;
      },
      /^@Retry cannot decorate field "handler": it decorates methods; to retry a function stored in a field, wrap it with retryable\(fn, options\)$/,
    ],
    [
      '@Retry on a getter',
      () => {
        class Service {
          // @ts-expect-error -- a method decorator on a getter
          @Retry() get status(): string {
            return 'up';
          }
        }
        return Service;
      },
      /^@Retry cannot decorate getter "status"/,
    ],
    [
      '@Retry on a setter',
      () => {
        class Service {
          // @ts-expect-error -- a method decorator on a setter
          @Retry() set status(_value: string) {}
        }
        return Service;
      },
      /^@Retry cannot decorate setter "status"/,
    ],
    [
      '@RetryOnRateLimit on a property',
      () => {
        class Service {
          // @ts-expect-error -- a method decorator on a property
          @RetryOnRateLimit() handler = (): void => {};
        }
        return Service;
      },
      /^@RetryOnRateLimit cannot decorate field "handler"/,
    ],
    [
      '@RetryDefaults on a method',
      () => {
        class Service {
          // @ts-expect-error -- a class decorator on a method
          @RetryDefaults({ maxAttempts: 2 }) async load(): Promise<void> {}
        }
        return Service;
      },
      /^@RetryDefaults decorates classes, not method "load"; on a method use @Retry\(options\)$/,
    ],
    [
      '@RetryDefaults on a static method',
      () => {
        class Service {
          // @ts-expect-error -- a class decorator on a method
          @RetryDefaults({ maxAttempts: 2 }) static load(): void {}
        }
        return Service;
      },
      /^@RetryDefaults decorates classes, not method "load"/,
    ],
    [
      '@Classified on a property',
      () => {
        class Service {
          // @ts-expect-error -- a method or class decorator on a property
          @Classified(() => undefined) handler = (): void => {};
        }
        return Service;
      },
      /^@Classified cannot decorate field "handler": put it on a method or on the class$/,
    ],
    [
      '@Retry on a parameter',
      () => {
        class Service {
          // @ts-expect-error -- a method decorator on a parameter
          load(@Retry() _id: string): void {}
        }
        return Service;
      },
      /^@Retry cannot decorate a parameter of "load"/,
    ],
    [
      '@Retry above a decorator that turns the method into a getter',
      () => {
        class Service {
          @Retry()
          @Bound()
          async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Retry cannot decorate method "load": a decorator below it turned it into a getter; write @Retry below that decorator$/,
    ],
    [
      '@CircuitBreaker above a decorator that turns the method into a getter',
      () => {
        class Service {
          @CircuitBreaker()
          @Bound()
          async load(): Promise<void> {}
        }
        return Service;
      },
      /^@CircuitBreaker cannot decorate method "load": a decorator below it turned it into a getter; write @CircuitBreaker below that decorator$/,
    ],
  ])('%s', (_case, define, message) => {
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });
});

describe('legacy: other mistakes found at definition', () => {
  it('@Retry twice on one method', () => {
    const define = () => {
      class Service {
        @Retry()
        @RetryOnRateLimit()
        @Retry()
        async load(): Promise<void> {}
      }
      return Service;
    };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Retry is applied twice to method "load"; merge the options into one @Retry\(\.\.\.\)$/,
    );
  });

  it('@Retry on a synchronous generator method', () => {
    const define = () => {
      class Service {
        // @ts-expect-error -- refused by the types too
        @Retry()
        *items(): Generator<number> {
          yield 1;
        }
      }
      return Service;
    };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Retry on method "items": cannot retry a synchronous generator function/,
    );
  });

  // Without the parentheses the factory receives (prototype, key, descriptor); an instance method's
  // prototype has no enumerable keys and once passed for an empty options object, leaving the
  // method silently un-retried.
  it.each([
    [
      '@Retry on an instance method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @Retry async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Retry: expected an options object, got the arguments of a decorator; write @Retry\(\) with parentheses$/,
    ],
    [
      '@Retry on a static method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @Retry static async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Retry: expected an options object, got the arguments of a decorator; write @Retry\(\) with parentheses$/,
    ],
    [
      '@Timeout on an instance method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @Timeout async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Timeout: expected a number of milliseconds or \{ ms \}, got the arguments of a decorator; write @Timeout\(ms\) with parentheses$/,
    ],
    [
      '@Hedge on an instance method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @Hedge async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Hedge: expected hedge options \(\{ delay, maxHedges \}\), got the arguments of a decorator; write @Hedge\(\{ delay \}\) with parentheses$/,
    ],
    [
      '@RetryOnRateLimit on an instance method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @RetryOnRateLimit async load(): Promise<void> {}
        }
        return Service;
      },
      /^@RetryOnRateLimit: expected an options object, got the arguments of a decorator; write @RetryOnRateLimit\(\) with parentheses$/,
    ],
    [
      '@Classified on an instance method',
      () => {
        class Service {
          // @ts-expect-error -- the decorator factory used as the decorator
          @Classified async load(): Promise<void> {}
        }
        return Service;
      },
      /^@Classified: expected a classifier function, got the arguments of a decorator; write @Classified\(classifier\) with parentheses$/,
    ],
    [
      '@RetryDefaults on a class',
      () => {
        // @ts-expect-error -- the decorator factory used as the decorator
        @RetryDefaults
        class Service {}
        return Service;
      },
      /^@RetryDefaults: expected an options object, got a function; write @RetryDefaults\(\) with parentheses$/,
    ],
  ])('without parentheses: %s', (_case, define, message) => {
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });
});
