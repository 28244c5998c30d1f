import {
  Classified,
  ErrorCategory,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  type Classifier,
  type RateLimitOptions,
  type RetryDefaultsOptions,
  type RetryOptions,
} from '../../src';

// Every mistake below is found while the class is being defined, not on the first failure in
// production. Many of them do not compile either; the casts and @ts-expect-error let them run.

type ErrorClass = typeof TypeError | typeof RangeError;

describe('invalid options: the class definition throws, naming the option and the value', () => {
  it.each<[string, unknown, ErrorClass, RegExp]>([
    [
      '0 attempts',
      { maxAttempts: 0 },
      RangeError,
      /^@Retry: option "maxAttempts" must be an integer >= 1, got 0$/,
    ],
    [
      'a fractional attempt count',
      { maxAttempts: 2.5 },
      RangeError,
      /"maxAttempts" must be an integer >= 1, got 2\.5/,
    ],
    [
      'Infinity attempts without a deadline',
      { maxAttempts: Infinity },
      RangeError,
      /"maxAttempts" must be finite unless a deadline is given.*got Infinity/,
    ],
    [
      'attempts as a string',
      { maxAttempts: '3' },
      TypeError,
      /"maxAttempts" must be an integer >= 1, got "3"/,
    ],
    [
      'a NaN delay',
      { initialDelay: NaN },
      RangeError,
      /"initialDelay" must be a number of milliseconds from 0 to 2147483647, got NaN/,
    ],
    ['a negative delay', { initialDelay: -5 }, RangeError, /"initialDelay" .*got -5/],
    [
      'maxDelay below initialDelay',
      { initialDelay: 500, maxDelay: 100 },
      RangeError,
      /"maxDelay" must be >= initialDelay \(500\), got 100/,
    ],
    [
      'exponentialBase 1',
      { exponentialBase: 1 },
      RangeError,
      /"exponentialBase" must be a finite number > 1, got 1/,
    ],
    [
      'an unknown jitter',
      { jitter: 'sometimes' },
      TypeError,
      /"jitter" must be one of 'full', 'equal', 'decorrelated', 'proportional', 'none', true, false, got "sometimes"/,
    ],
    [
      'an unknown key',
      { maxRetries: 3 },
      TypeError,
      /^@Retry: unknown option "maxRetries" \(value 3\)$/,
    ],
    [
      'a rate-limit option',
      { rateLimitErrors: [Error] },
      TypeError,
      /unknown option "rateLimitErrors"/,
    ],
    [
      'a zero deadline',
      { deadline: 0 },
      RangeError,
      /"deadline" must be a finite number of milliseconds > 0, got 0/,
    ],
    [
      'empty retryCategories',
      { retryCategories: [] },
      RangeError,
      /"retryCategories" must be at least one ErrorCategory, got \[\]/,
    ],
    [
      'a retryCategories typo',
      { retryCategories: ['retriable'] },
      TypeError,
      /"retryCategories" must be an array of ErrorCategory values, got \["retriable"\]/,
    ],
    [
      'retryOn a class name',
      { retryOn: 'TimeoutError' },
      TypeError,
      /"retryOn" must be an array of error classes or a function .*got "TimeoutError"/,
    ],
    [
      'onRetry not a function',
      { onRetry: 'log' },
      TypeError,
      /"onRetry" must be a function, got "log"/,
    ],
    ['an array as options', [], TypeError, /^@Retry: expected an options object, got \[\]$/],
  ])('@Retry with %s', (_case, options, errorClass, message) => {
    const define = () =>
      class Service {
        @Retry(options as RetryOptions)
        async load(): Promise<void> {}
      };
    expect(define).toThrow(errorClass);
    expect(define).toThrow(message);
  });

  it.each<[string, unknown, ErrorClass, RegExp]>([
    [
      "jitter 'none'",
      { jitter: 'none' },
      TypeError,
      /^@RetryOnRateLimit: option "jitter" must be jitter that is on .*rate-limit retries are always jittered, got "none"$/,
    ],
    [
      'jitter false',
      { jitter: false },
      TypeError,
      /"jitter" must be jitter that is on .*got false/,
    ],
    [
      '0 attempts',
      { maxAttempts: 0 },
      RangeError,
      /^@RetryOnRateLimit: option "maxAttempts" must be an integer >= 1, got 0$/,
    ],
    ['a NaN delay', { maxDelay: NaN }, RangeError, /"maxDelay" .*got NaN/],
    [
      'maxDelay below initialDelay',
      { initialDelay: 3000, maxDelay: 1000 },
      RangeError,
      /"maxDelay" must be >= initialDelay \(3000\), got 1000/,
    ],
    [
      'no rateLimitErrors classes',
      { rateLimitErrors: [] },
      RangeError,
      /"rateLimitErrors" must be at least one error class, got \[\]/,
    ],
    [
      'rateLimitErrors that are not classes',
      { rateLimitErrors: ['ThrottlingException'] },
      TypeError,
      /"rateLimitErrors" must be an array of error classes, got \["ThrottlingException"\]/,
    ],
    [
      'a retry-lane option',
      { retryOn: [Error] },
      TypeError,
      /^@RetryOnRateLimit: unknown option "retryOn"/,
    ],
    ['an unknown key', { attempts: 3 }, TypeError, /unknown option "attempts" \(value 3\)/],
  ])('@RetryOnRateLimit with %s', (_case, options, errorClass, message) => {
    const define = () =>
      class Service {
        @RetryOnRateLimit(options as RateLimitOptions)
        async load(): Promise<void> {}
      };
    expect(define).toThrow(errorClass);
    expect(define).toThrow(message);
  });

  it.each<[string, unknown, ErrorClass, RegExp]>([
    [
      '0 attempts',
      { maxAttempts: 0 },
      RangeError,
      /^@RetryDefaults: option "maxAttempts" must be an integer >= 1, got 0$/,
    ],
    ['a NaN delay', { initialDelay: NaN }, RangeError, /"initialDelay" .*got NaN/],
    ['an unknown jitter', { jitter: 'some' }, TypeError, /"jitter" must be one of .*got "some"/],
    [
      'an unknown key',
      { retries: 2 },
      TypeError,
      /^@RetryDefaults: unknown option "retries" \(value 2\)$/,
    ],
    [
      'maxDelay below initialDelay',
      { initialDelay: 10, maxDelay: 1 },
      RangeError,
      /"maxDelay" must be >= initialDelay \(10\), got 1/,
    ],
    [
      "rateLimit with jitter 'none'",
      { rateLimit: { jitter: 'none' } },
      TypeError,
      /^@RetryDefaults: option "rateLimit\.jitter" must be jitter that is on .*got "none"$/,
    ],
    [
      'rateLimit with 0 attempts',
      { rateLimit: { maxAttempts: 0 } },
      RangeError,
      /"rateLimit\.maxAttempts" must be an integer >= 1, got 0/,
    ],
    [
      'rateLimit with an unknown key',
      { rateLimit: { retryOn: [Error] } },
      TypeError,
      /unknown option "rateLimit\.retryOn"/,
    ],
    [
      'rateLimit not an object',
      { rateLimit: 5 },
      TypeError,
      /"rateLimit" must be an object of rate-limit options, got 5/,
    ],
  ])('@RetryDefaults with %s', (_case, options, errorClass, message) => {
    const define = () => {
      @RetryDefaults(options as RetryDefaultsOptions)
      class Service {}
      return Service;
    };
    expect(define).toThrow(errorClass);
    expect(define).toThrow(message);
  });

  it('treats an option given as undefined as not given', () => {
    const define = () => {
      @RetryDefaults({ maxAttempts: undefined, rateLimit: { jitter: undefined } })
      class Service {
        @Retry({ maxAttempts: undefined, initialDelay: undefined })
        @RetryOnRateLimit({ jitter: undefined })
        async load(): Promise<void> {}
      }
      return Service;
    };
    expect(define).not.toThrow();
  });
});

describe('decorators in the wrong place: the class definition throws a TypeError saying what to use', () => {
  it.each([
    [
      '@Retry',
      /^@Retry cannot decorate a class \(Service\): put @Retry\(\.\.\.\) on its methods, and class-wide defaults in @RetryDefaults\(\.\.\.\)$/,
    ],
    [
      '@RetryOnRateLimit',
      /^@RetryOnRateLimit cannot decorate a class \(Service\): put @RetryOnRateLimit\(\.\.\.\) on its methods.*@RetryDefaults/,
    ],
  ])('%s on a class', (decoratorName, message) => {
    const define =
      decoratorName === '@Retry'
        ? () => {
            // @ts-expect-error -- a method decorator on a class
            @Retry()
            class Service {}
            return Service;
          }
        : () => {
            // @ts-expect-error -- a method decorator on a class
            @RetryOnRateLimit()
            class Service {}
            return Service;
          };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });

  const retryOnMembers: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    [
      'a field',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a field
          @Retry() handler = async (): Promise<void> => {};
        },
      /^@Retry cannot decorate field "handler": it decorates methods; to retry a function stored in a field, wrap it with retryable\(fn, options\)$/,
    ],
    [
      'a getter',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a getter
          @Retry() get status(): string {
            return 'up';
          }
        },
      /^@Retry cannot decorate getter "status": it decorates methods/,
    ],
    [
      'a setter',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a setter
          @Retry() set status(_value: string) {}
        },
      /^@Retry cannot decorate setter "status"/,
    ],
    [
      'an accessor',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on an auto-accessor
          @Retry() accessor status = 'up';
        },
      /^@Retry cannot decorate accessor "status".*retryable\(fn, options\)/,
    ],
    [
      'a static field',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a static field
          @Retry() static handler = (): void => {};
        },
      /^@Retry cannot decorate field "handler"/,
    ],
  ];
  it.each(retryOnMembers)('@Retry on %s', (_place, define, message) => {
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });

  const rateLimitOnMembers: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    [
      'a field',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a field
          @RetryOnRateLimit() handler = async (): Promise<void> => {};
        },
      /^@RetryOnRateLimit cannot decorate field "handler".*retryable\(fn, options\)$/,
    ],
    [
      'a getter',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a getter
          @RetryOnRateLimit() get status(): string {
            return 'up';
          }
        },
      /^@RetryOnRateLimit cannot decorate getter "status"/,
    ],
    [
      'a setter',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on a setter
          @RetryOnRateLimit() set status(_value: string) {}
        },
      /^@RetryOnRateLimit cannot decorate setter "status"/,
    ],
    [
      'an accessor',
      () =>
        class Service {
          // @ts-expect-error -- a method decorator on an auto-accessor
          @RetryOnRateLimit() accessor status = 'up';
        },
      /^@RetryOnRateLimit cannot decorate accessor "status"/,
    ],
  ];
  it.each(rateLimitOnMembers)('@RetryOnRateLimit on %s', (_place, define, message) => {
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });

  it('@RetryDefaults on a method', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- a class decorator on a method
        @RetryDefaults({ maxAttempts: 2 }) async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@RetryDefaults decorates classes, not method "load"; on a method use @Retry\(options\)$/,
    );
  });

  it('@RetryDefaults on a field', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- a class decorator on a field
        @RetryDefaults({ maxAttempts: 2 }) limit = 2;
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(/^@RetryDefaults decorates classes, not field "limit"/);
  });

  it('@Classified on a field', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- a method or class decorator on a field
        @Classified(() => undefined) handler = (): void => {};
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Classified cannot decorate field "handler": put it on a method or on the class$/,
    );
  });

  it('@Classified on a getter', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- a method or class decorator on a getter
        @Classified(() => undefined) get status(): string {
          return 'up';
        }
      };
    expect(define).toThrow(/^@Classified cannot decorate getter "status"/);
  });
});

describe('other mistakes found at definition', () => {
  it.each([
    [
      'a category instead of a function',
      ErrorCategory.RETRYABLE,
      /^@Classified: expected a classifier function \(error\) => ErrorCategory \| undefined, got "retryable"$/,
    ],
    ['undefined', undefined, /got undefined$/],
    ['an object', { classify: () => undefined }, /expected a classifier function/],
  ])('@Classified with %s', (_case, classifier, message) => {
    const define = () =>
      class Service {
        @Classified(classifier as unknown as Classifier)
        async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });

  it('@Retry twice on one method', () => {
    const define = () =>
      class Service {
        @Retry({ maxAttempts: 2 })
        @Retry({ initialDelay: 10 })
        async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Retry is applied twice to method "load"; merge the options into one @Retry\(\.\.\.\)$/,
    );
  });

  it('@RetryOnRateLimit twice on one method, even with @Retry between them', () => {
    const define = () =>
      class Service {
        @RetryOnRateLimit()
        @Retry()
        @RetryOnRateLimit()
        async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(/^@RetryOnRateLimit is applied twice to method "load"/);
  });

  it('@RetryDefaults twice on one class', () => {
    const define = () => {
      @RetryDefaults({ maxAttempts: 2 })
      @RetryDefaults({ initialDelay: 10 })
      class Service {}
      return Service;
    };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@RetryDefaults is applied twice to class Service; merge the options into one$/,
    );
  });

  it('allows @Classified more than once on a method', () => {
    const define = () =>
      class Service {
        @Classified(() => undefined)
        @Classified(() => undefined)
        @Retry()
        async load(): Promise<void> {}
      };
    expect(define).not.toThrow();
  });

  it.each([
    [
      '@Retry',
      /^@Retry on method "items": cannot retry a synchronous generator function; make it an async generator \(async \*\) or return an array$/,
    ],
    [
      '@RetryOnRateLimit',
      /^@RetryOnRateLimit on method "items": cannot retry a synchronous generator function/,
    ],
  ])('%s on a synchronous generator method', (decoratorName, message) => {
    const define =
      decoratorName === '@Retry'
        ? () =>
            class Service {
              // @ts-expect-error -- refused by the types too
              @Retry()
              *items(): Generator<number> {
                yield 1;
              }
            }
        : () =>
            class Service {
              // @ts-expect-error -- refused by the types too
              @RetryOnRateLimit()
              *items(): Generator<number> {
                yield 1;
              }
            };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(message);
  });

  it('@Retry without parentheses', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- the decorator factory used as the decorator
        @Retry async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Retry: expected an options object, got the arguments of a decorator; write @Retry\(\) with parentheses$/,
    );
  });

  it('@RetryOnRateLimit without parentheses', () => {
    const define = () =>
      class Service {
        // @ts-expect-error -- the decorator factory used as the decorator
        @RetryOnRateLimit async load(): Promise<void> {}
      };
    expect(define).toThrow(
      /^@RetryOnRateLimit: expected an options object, got the arguments of a decorator; write @RetryOnRateLimit\(\) with parentheses$/,
    );
  });

  it('@Classified without parentheses', () => {
    // Unchecked, the method itself would pass as the classifier and be replaced by the decorator.
    const define = () =>
      class Service {
        // @ts-expect-error -- the decorator factory used as the decorator
        @Classified async load(): Promise<void> {}
      };
    expect(define).toThrow(TypeError);
    expect(define).toThrow(
      /^@Classified: expected a classifier function, got the arguments of a decorator; write @Classified\(classifier\) with parentheses$/,
    );
  });

  it('@RetryDefaults without parentheses', () => {
    const define = () => {
      // @ts-expect-error -- the decorator factory used as the decorator
      @RetryDefaults
      class Service {}
      return Service;
    };
    expect(define).toThrow(
      /^@RetryDefaults: expected an options object, got a function; write @RetryDefaults\(\) with parentheses$/,
    );
  });

  it('a decorator called by hand rather than applied', () => {
    const decorator = Retry() as unknown as (...args: unknown[]) => unknown;
    expect(() => decorator()).toThrow(/^@Retry: not applied as a decorator \(got 0 arguments\)/);
  });
});
