import {
  Breaker,
  ErrorCategory,
  RetryContext,
  calculateBackoffDelay,
  retryable,
  withRetry,
  type BackoffDelayOptions,
  type FunctionRetryOptions,
  type RetryOptions,
} from '../../src';

type ErrorClassExpected = typeof TypeError | typeof RangeError;

/** One invalid option: where it goes (`a` or `rateLimit.a`), its value, the error class, how the message shows the value. */
interface InvalidRow {
  readonly path: string;
  readonly value: unknown;
  readonly errorClass: ErrorClassExpected;
  readonly shown: string;
  /** Other fields of the same options object, needed for the problem to exist. */
  readonly siblings?: Record<string, unknown>;
}

function row(
  path: string,
  value: unknown,
  errorClass: ErrorClassExpected,
  shown: string,
  siblings?: Record<string, unknown>,
): InvalidRow {
  return { path, value, errorClass, shown, siblings };
}

/** `{ a: value }` or `{ rateLimit: { a: value } }`, with the siblings next to the option. */
function optionsFor({ path, value, siblings }: InvalidRow): Record<string, unknown> {
  const [outer, inner] = path.split('.');
  if (inner === undefined) return { ...siblings, [outer]: value };
  return { [outer]: { ...siblings, [inner]: value } };
}

function rowName({ path, shown, errorClass }: InvalidRow): string {
  return `${path} = ${shown} is a ${errorClass.name}`;
}

/** A named way of handing options over; each must throw at once, before fn is ever called. */
type OptionsTaker = readonly [source: string, take: (options: unknown) => unknown];

const neverCalled = jest.fn(() => 'called');

const withRetryTaker: OptionsTaker = [
  'withRetry',
  (options) => withRetry(neverCalled, options as FunctionRetryOptions),
];
const retryableTaker: OptionsTaker = [
  'retryable',
  (options) => retryable(neverCalled, options as FunctionRetryOptions),
];
const retryContextTaker: OptionsTaker = [
  'RetryContext',
  (options) => new RetryContext(options as RetryOptions),
];
const backoffTaker: OptionsTaker = [
  'calculateBackoffDelay',
  (options) => calculateBackoffDelay(1, options as BackoffDelayOptions),
];

function expectRejected(
  take: OptionsTaker[1],
  options: unknown,
  errorClass: ErrorClassExpected,
  ...messageParts: string[]
): void {
  let thrown: unknown;
  try {
    take(options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(errorClass);
  // A RangeError is not a TypeError and vice versa: the class tells the user which kind of mistake.
  expect(thrown).not.toBeInstanceOf(errorClass === TypeError ? RangeError : TypeError);
  for (const part of messageParts) expect((thrown as Error).message).toContain(part);
}

beforeEach(() => neverCalled.mockClear());
afterEach(() => expect(neverCalled).not.toHaveBeenCalled());

class CustomError extends Error {}

const retryOptionRows: readonly InvalidRow[] = [
  row('maxAttempts', 0, RangeError, '0'),
  row('maxAttempts', -1, RangeError, '-1'),
  row('maxAttempts', 2.5, RangeError, '2.5'),
  row('maxAttempts', NaN, RangeError, 'NaN'),
  row('maxAttempts', Infinity, RangeError, 'Infinity'),
  row('maxAttempts', Infinity, RangeError, 'Infinity', { deadline: undefined }),
  row('maxAttempts', -Infinity, RangeError, '-Infinity'),
  row('maxAttempts', '3', TypeError, '"3"'),
  row('maxAttempts', null, TypeError, 'null'),
  row('maxAttempts', true, TypeError, 'true'),
  row('initialDelay', -1, RangeError, '-1'),
  row('initialDelay', NaN, RangeError, 'NaN'),
  row('initialDelay', Infinity, RangeError, 'Infinity'),
  row('initialDelay', '100', TypeError, '"100"'),
  row('initialDelay', null, TypeError, 'null'),
  row('maxDelay', -5, RangeError, '-5'),
  row('maxDelay', NaN, RangeError, 'NaN'),
  row('maxDelay', Infinity, RangeError, 'Infinity'),
  row('maxDelay', '1000', TypeError, '"1000"'),
  row('maxDelay', {}, TypeError, '{}'),
  row('maxDelay', 500, RangeError, '500', { initialDelay: 1000 }),
  row('exponentialBase', 1, RangeError, '1'),
  row('exponentialBase', 0.5, RangeError, '0.5'),
  row('exponentialBase', 0, RangeError, '0'),
  row('exponentialBase', -2, RangeError, '-2'),
  row('exponentialBase', NaN, RangeError, 'NaN'),
  row('exponentialBase', Infinity, RangeError, 'Infinity'),
  row('exponentialBase', '2', TypeError, '"2"'),
  row('jitter', 'random', TypeError, '"random"'),
  row('jitter', 'FULL', TypeError, '"FULL"'),
  row('jitter', 1, TypeError, '1'),
  row('jitter', null, TypeError, 'null'),
  row('jitter', ['full'], TypeError, '["full"]'),
  row('deadline', 0, RangeError, '0'),
  row('deadline', -1, RangeError, '-1'),
  row('deadline', NaN, RangeError, 'NaN'),
  row('deadline', Infinity, RangeError, 'Infinity'),
  row('deadline', '1000', TypeError, '"1000"'),
  row('respectRetryAfter', 'yes', TypeError, '"yes"'),
  row('respectRetryAfter', 1, TypeError, '1'),
  row('signal', {}, TypeError, '{}'),
  row('signal', 'signal', TypeError, '"signal"'),
  row('signal', { aborted: false }, TypeError, '{"aborted":false}'),
  row('onRetry', 1, TypeError, '1'),
  row('onRetry', 'log', TypeError, '"log"'),
  row('onGiveUp', true, TypeError, 'true'),
  row('onGiveUp', {}, TypeError, '{}'),
  row('random', 0.5, TypeError, '0.5'),
  row('retryOn', 'Error', TypeError, '"Error"'),
  row('retryOn', {}, TypeError, '{}'),
  row('retryOn', [], RangeError, '[]'),
  row('retryOn', ['Error'], TypeError, '["Error"]'),
  row('retryOn', [CustomError, 1], TypeError, '[[function CustomError], 1]'),
  row('retryCategories', [], RangeError, '[]'),
  row('retryCategories', ['bogus'], TypeError, '["bogus"]'),
  row(
    'retryCategories',
    [ErrorCategory.RETRYABLE, 'RETRYABLE'],
    TypeError,
    '["retryable", "RETRYABLE"]',
  ),
  row('retryCategories', 'retryable', TypeError, '"retryable"'),
  row('idempotent', 'false', TypeError, '"false"'),
  row('idempotent', 0, TypeError, '0'),
  row('retryOnResult', true, TypeError, 'true'),
  row('classifier', 'classifyError', TypeError, '"classifyError"'),
  row('classifier', ErrorCategory.RETRYABLE, TypeError, '"retryable"'),
];

const rateLimitOptionRows: readonly InvalidRow[] = [
  row('rateLimit.maxAttempts', 0, RangeError, '0'),
  row('rateLimit.maxAttempts', 1.5, RangeError, '1.5'),
  row('rateLimit.maxAttempts', Infinity, RangeError, 'Infinity'),
  row('rateLimit.maxAttempts', '5', TypeError, '"5"'),
  row('rateLimit.initialDelay', -1, RangeError, '-1'),
  row('rateLimit.initialDelay', Infinity, RangeError, 'Infinity'),
  row('rateLimit.maxDelay', NaN, RangeError, 'NaN'),
  row('rateLimit.maxDelay', 100, RangeError, '100', { initialDelay: 200 }),
  row('rateLimit.exponentialBase', 1, RangeError, '1'),
  row('rateLimit.exponentialBase', 0.5, RangeError, '0.5'),
  // Rate-limit retries are always jittered.
  row('rateLimit.jitter', 'none', TypeError, '"none"'),
  row('rateLimit.jitter', false, TypeError, 'false'),
  row('rateLimit.jitter', 'bogus', TypeError, '"bogus"'),
  row('rateLimit.deadline', 0, RangeError, '0'),
  row('rateLimit.respectRetryAfter', 'no', TypeError, '"no"'),
  row('rateLimit.rateLimitErrors', [], RangeError, '[]'),
  row('rateLimit.rateLimitErrors', ['TooManyRequests'], TypeError, '["TooManyRequests"]'),
  row('rateLimit.rateLimitErrors', CustomError, TypeError, '[function CustomError]'),
  row('rateLimit.signal', 1, TypeError, '1'),
  row('rateLimit.onRetry', 1, TypeError, '1'),
  row('rateLimit.onGiveUp', 'x', TypeError, '"x"'),
  row('rateLimit.random', 1, TypeError, '1'),
  row('rateLimit', 5, TypeError, '5'),
  row('rateLimit', null, TypeError, 'null'),
  row('rateLimit', [], TypeError, '[]'),
  row('rateLimit', 'on', TypeError, '"on"'),
];

const backoffCalculationRows: readonly InvalidRow[] = [
  row('initialDelay', -1, RangeError, '-1'),
  row('initialDelay', NaN, RangeError, 'NaN'),
  row('initialDelay', Infinity, RangeError, 'Infinity'),
  row('initialDelay', '1', TypeError, '"1"'),
  row('maxDelay', -1, RangeError, '-1'),
  row('maxDelay', 10, RangeError, '10', { initialDelay: 20 }),
  row('exponentialBase', 1, RangeError, '1'),
  row('exponentialBase', 0.5, RangeError, '0.5'),
  row('jitter', 'bogus', TypeError, '"bogus"'),
  row('random', 1, TypeError, '1'),
  row('previousDelay', -1, RangeError, '-1'),
  row('previousDelay', NaN, RangeError, 'NaN'),
  row('previousDelay', '5', TypeError, '"5"'),
];

const notAnOptionsObject: readonly [string, unknown][] = [
  ['an array', [{ maxAttempts: 2 }]],
  ['null', null],
  ['a number', 3],
  ['a string', 'maxAttempts=3'],
  ['a boolean', true],
  ['a Date', new Date(0)],
  [
    'a class instance',
    new (class Options {
      maxAttempts = 2;
    })(),
  ],
];

describe.each<OptionsTaker>([withRetryTaker, retryableTaker, retryContextTaker])(
  '%s rejects invalid retry options',
  (source, take) => {
    it.each(retryOptionRows.map((invalid) => [rowName(invalid), invalid] as const))(
      '%s',
      (_name, invalid) => {
        expectRejected(
          take,
          optionsFor(invalid),
          invalid.errorClass,
          `${source}: option "${invalid.path}"`,
          `got ${invalid.shown}`,
        );
      },
    );

    it('says maxDelay must be >= initialDelay and shows both', () => {
      expectRejected(
        take,
        { initialDelay: 1000, maxDelay: 500 },
        RangeError,
        '"maxDelay"',
        'initialDelay (1000)',
        'got 500',
      );
      // The order of the keys does not matter.
      expectRejected(
        take,
        { maxDelay: 500, initialDelay: 1000 },
        RangeError,
        '"maxDelay"',
        'got 500',
      );
    });

    it('says maxAttempts Infinity needs a deadline', () => {
      expectRejected(
        take,
        { maxAttempts: Infinity },
        RangeError,
        '"maxAttempts"',
        'deadline',
        'got Infinity',
      );
    });

    it('rejects an unknown option, naming it and its value', () => {
      expectRejected(
        take,
        { maxAttempts: 2, maxRetries: 5 },
        TypeError,
        `${source}: unknown option "maxRetries"`,
        '5',
      );
    });

    it('rejects a misspelt option even when its value is undefined', () => {
      expectRejected(take, { initalDelay: undefined }, TypeError, 'unknown option "initalDelay"');
    });

    it.each(notAnOptionsObject)(
      'rejects %s as options with a TypeError',
      (_description, options) => {
        expectRejected(take, options, TypeError, `${source}: expected an options object`);
      },
    );

    it('rejects a function as options with a TypeError', () => {
      expectRejected(
        take,
        function onRetry() {},
        TypeError,
        `${source}: expected an options object, got a function`,
      );
    });
  },
);

describe.each<OptionsTaker>([withRetryTaker, retryableTaker])(
  '%s rejects invalid rateLimit options',
  (source, take) => {
    it.each(rateLimitOptionRows.map((invalid) => [rowName(invalid), invalid] as const))(
      '%s',
      (_name, invalid) => {
        expectRejected(
          take,
          optionsFor(invalid),
          invalid.errorClass,
          `${source}: option "${invalid.path}"`,
          `got ${invalid.shown}`,
        );
      },
    );

    it('rejects an unknown nested option with its full path', () => {
      expectRejected(
        take,
        { rateLimit: { maxAttempts: 2, bogus: 1 } },
        TypeError,
        'unknown option "rateLimit.bogus"',
        '1',
      );
    });

    it('rejects retry-lane options inside rateLimit', () => {
      expectRejected(
        take,
        { rateLimit: { retryOn: [CustomError] } },
        TypeError,
        'unknown option "rateLimit.retryOn"',
      );
      expectRejected(
        take,
        { rateLimit: { retryOnResult: () => true } },
        TypeError,
        'unknown option "rateLimit.retryOnResult"',
      );
    });

    it('needs the deadline for maxAttempts Infinity in the same options object', () => {
      expectRejected(
        take,
        { maxAttempts: Infinity, rateLimit: { deadline: 1000 } },
        RangeError,
        'option "maxAttempts"',
      );
      expectRejected(
        take,
        { deadline: 1000, rateLimit: { maxAttempts: Infinity } },
        RangeError,
        'option "rateLimit.maxAttempts"',
      );
    });
  },
);

describe('RetryContext', () => {
  it('does not take a rateLimit lane', () => {
    expectRejected(
      retryContextTaker[1],
      { rateLimit: {} },
      TypeError,
      'RetryContext: unknown option "rateLimit"',
    );
  });
});

describe('calculateBackoffDelay rejects invalid options', () => {
  const [source, take] = backoffTaker;

  it.each(backoffCalculationRows.map((invalid) => [rowName(invalid), invalid] as const))(
    '%s',
    (_name, invalid) => {
      expectRejected(
        take,
        optionsFor(invalid),
        invalid.errorClass,
        `${source}: option "${invalid.path}"`,
        `got ${invalid.shown}`,
      );
    },
  );

  it.each([
    ['maxAttempts', 3],
    ['deadline', 1000],
    ['retryOn', [CustomError]],
  ])('rejects %s, which is not a backoff option', (key, value) => {
    expectRejected(take, { [key]: value }, TypeError, `unknown option "${key}"`);
  });

  it.each(notAnOptionsObject)('rejects %s as options with a TypeError', (_description, options) => {
    expectRejected(take, options, TypeError, `${source}: expected an options object`);
  });
});

describe('valid edge values are accepted', () => {
  const acceptedRetryOptions: readonly [string, RetryOptions][] = [
    ['maxAttempts Infinity with a deadline', { maxAttempts: Infinity, deadline: 60_000 }],
    ['maxAttempts 1', { maxAttempts: 1 }],
    ['initialDelay 0', { initialDelay: 0 }],
    ['initialDelay and maxDelay 0', { initialDelay: 0, maxDelay: 0 }],
    ['maxDelay equal to initialDelay', { initialDelay: 1000, maxDelay: 1000 }],
    ['exponentialBase just above 1', { exponentialBase: 1.01 }],
    ['jitter true', { jitter: true }],
    ['jitter false', { jitter: false }],
    ['jitter decorrelated', { jitter: 'decorrelated' }],
    ['jitter none', { jitter: 'none' }],
    [
      'explicit undefined fields',
      { maxAttempts: undefined, jitter: undefined, retryOn: undefined },
    ],
    ['retryOn classes', { retryOn: [CustomError, TypeError] }],
    ['retryOn predicate', { retryOn: () => true }],
    ['retryCategories', { retryCategories: [ErrorCategory.AUTH_FAILURE] }],
    ['signal as AbortSignal', { signal: new AbortController().signal }],
    ['signal as function', { signal: () => undefined }],
    [
      'every callback',
      {
        onRetry: () => {},
        onGiveUp: () => {},
        random: () => 0.5,
        classifier: () => undefined,
        retryOnResult: () => false,
      },
    ],
    ['booleans', { idempotent: false, respectRetryAfter: false }],
  ];

  it.each(acceptedRetryOptions)('%s: withRetry runs fn', async (_name, options) => {
    await expect(withRetry(() => 'done', options)).resolves.toBe('done');
  });

  it.each(acceptedRetryOptions)('%s: retryable returns a working function', (_name, options) => {
    expect(retryable((value: number) => value * 2, options)(21)).toBe(42);
  });

  it.each(acceptedRetryOptions)('%s: RetryContext is made', (_name, options) => {
    const context = new RetryContext(options);
    expect(context.currentAttempt).toBe(1);
    expect(context.maxAttempts).toBe(options.maxAttempts ?? 3);
  });

  it('accepts options without a prototype', () => {
    const options = Object.assign(Object.create(null) as RetryOptions, { maxAttempts: 7 });
    expect(new RetryContext(options).maxAttempts).toBe(7);
  });

  it('accepts no options and an undefined options argument', () => {
    expect(new RetryContext().maxAttempts).toBe(3);
    expect(new RetryContext(undefined).maxAttempts).toBe(3);
    expect(calculateBackoffDelay(1, undefined)).toBeLessThanOrEqual(1000);
  });

  it('accepts rate-limit edge values', async () => {
    const options: FunctionRetryOptions = {
      rateLimit: {
        jitter: true,
        maxAttempts: Infinity,
        deadline: 1000,
        rateLimitErrors: [CustomError],
        initialDelay: 0,
      },
    };
    await expect(withRetry(() => 'done', options)).resolves.toBe('done');
  });

  it('checks maxDelay against initialDelay only within one options object', async () => {
    const options: FunctionRetryOptions = { initialDelay: 5000, rateLimit: { maxDelay: 1000 } };
    await expect(withRetry(() => 'done', options)).resolves.toBe('done');
    expect(retryable(() => 'done', options)()).toBe('done');
  });

  it('accepts the backoff edge values of calculateBackoffDelay', () => {
    expect(calculateBackoffDelay(1, { initialDelay: 0, maxDelay: 0, jitter: 'none' })).toBe(0);
    expect(calculateBackoffDelay(1, { jitter: true, random: () => 0.5 })).toBe(500);
    expect(calculateBackoffDelay(1, { jitter: false })).toBe(1000);
    expect(
      calculateBackoffDelay(1, {
        jitter: 'decorrelated',
        previousDelay: 0,
        initialDelay: 0,
        random: () => 0.5,
      }),
    ).toBe(0);
  });
});

describe('a huge sparse array is refused at its first hole, naming the option', () => {
  // Checked item by item: copying an array of length 2^32 - 1 first would take minutes.
  const closedSnapshot = new Breaker().toJSON();
  function hugeSparse(): unknown[] {
    const array: unknown[] = [];
    array.length = 2 ** 32 - 1;
    return array;
  }

  it.each([
    ['retryOn', () => retryable(() => 1, { retryOn: hugeSparse() as never })],
    ['retryCategories', () => retryable(() => 1, { retryCategories: hugeSparse() as never })],
    ['delays', () => retryable(() => 1, { delays: hugeSparse() as never })],
    [
      'rateLimit.rateLimitErrors',
      () => retryable(() => 1, { rateLimit: { rateLimitErrors: hugeSparse() as never } }),
    ],
    ['on', () => retryable(() => 1, { fallback: { on: hugeSparse() as never, to: 0 } })],
    ['failureOn', () => new Breaker({ failureOn: hugeSparse() as never })],
    [
      'initialState.keys[0]',
      () => new Breaker({ initialState: { ...closedSnapshot, keys: hugeSparse() } as never }),
    ],
  ])('%s', (option, define) => {
    const begun = process.hrtime.bigint();
    expect(define).toThrow(`"${option}"`);
    // A guard against the copy, not a measure of speed: the refusal takes microseconds.
    expect(process.hrtime.bigint() - begun).toBeLessThan(1_000_000_000n);
  });
});
