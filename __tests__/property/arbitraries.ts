import fc from 'fast-check';
import {
  ErrorCategory,
  HttpError,
  type BackoffDelayOptions,
  type BackoffOptions,
  type ErrorClass,
  type JitterOption,
  type RateLimitOptions,
  type RetryDefaultsOptions,
  type RetryOptions,
} from '../../src';

// Shared fast-check arbitraries of the property tests: option values, sources of randomness,
// attempt scripts, and the hostile things a caller may throw.

/** setTimeout's ceiling, which is also the ceiling of every delay option. */
export const longestTimer = 2_147_483_647;

export const allCategories: readonly ErrorCategory[] = Object.values(ErrorCategory);
export const allJitters: readonly JitterOption[] = [
  'full',
  'equal',
  'decorrelated',
  'proportional',
  'none',
  true,
  false,
];
/** Rate-limit retries are always jittered. */
export const rateLimitJitters: readonly JitterOption[] = [
  'full',
  'equal',
  'decorrelated',
  'proportional',
  true,
];

/**
 * A plain assertion for inner loops: jest's `expect` costs tens of microseconds a call, which adds
 * up over thousands of checks per property. fast-check reports the counterexample and its seed.
 */
export function holds(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** What `random` should return: a draw from [0, 1). */
export const unitDraw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  // fc.double favours the ends and tiny values; spread the draws over [0, 1) as Math.random does.
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((value) => value / 2 ** 32),
);

/** What a misbehaving `random` returns: NaN, negatives, values above 1, infinities. */
export const hostileDraw = fc.oneof(
  fc.double(),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    1,
    1 + Number.EPSILON,
    -Number.MIN_VALUE,
    Number.MAX_VALUE,
  ),
);

/**
 * A `random` that returns `draws` in turn, round and round. Built inside the property from the
 * generated numbers, so that every run (and every replay of a failure) starts at the first draw.
 */
export function cyclingRandom(draws: readonly number[]): () => number {
  let index = 0;
  return () => draws[index++ % draws.length];
}

export const unitDraws = fc.array(unitDraw, { minLength: 1, maxLength: 12 });
export const hostileDraws = fc.array(fc.oneof(unitDraw, hostileDraw), {
  minLength: 1,
  maxLength: 12,
});

// ---------------------------------------------------------------------------------------------
// Valid option values

/** A delay option in whole milliseconds, up to setTimeout's ceiling. */
export const wholeDelayValue = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }),
  fc.integer({ min: 0, max: longestTimer }),
);

/** A delay option: mostly whole milliseconds, sometimes fractions. */
export const delayValue = fc.oneof(
  wholeDelayValue,
  fc.double({ min: 0, max: longestTimer, noNaN: true }),
);

function orderedPair(delays: fc.Arbitrary<number>) {
  return fc.tuple(delays, delays).map(([first, second]) => ({
    initialDelay: Math.min(first, second),
    maxDelay: Math.max(first, second),
  }));
}

/** `initialDelay` and `maxDelay` given together, as the same-object rule requires maxDelay >= initialDelay. */
export const delayPair = orderedPair(delayValue);
export const wholeDelayPair = orderedPair(wholeDelayValue);

export const exponentialBaseValue = fc.oneof(
  fc.double({ min: 1, max: 10, minExcluded: true, noNaN: true }),
  fc.double({ min: 1, minExcluded: true, noNaN: true, noDefaultInfinity: true }),
);

/** A positive finite deadline, in milliseconds. */
export const deadlineValue = fc.oneof(
  fc.integer({ min: 1, max: 100_000 }),
  fc.double({ min: 0, minExcluded: true, max: 1e15, noNaN: true }),
);

// ---------------------------------------------------------------------------------------------
// Scripts of attempts, for properties about real retrying calls

/**
 * What one attempt does: fail with a rate limit (429, both lanes take it), with a transient fault
 * (503, only the retry lane takes it), with a fatal error (400, no lane takes it), or succeed.
 */
export type AttemptStep = 'rateLimit' | 'transient' | 'fatal' | 'ok';

export const attemptStep = fc.constantFrom<AttemptStep>('rateLimit', 'transient', 'fatal', 'ok');
/** Mostly retryable failures; attempts past the end of the script succeed. */
export const attemptScript = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<AttemptStep>('rateLimit', 'transient') },
    { weight: 1, arbitrary: attemptStep },
  ),
  { minLength: 1, maxLength: 16 },
);

export function errorOf(step: Exclude<AttemptStep, 'ok'>, attempt: number): HttpError {
  const status = step === 'rateLimit' ? 429 : step === 'transient' ? 503 : 400;
  return new HttpError(status, {}, `attempt ${attempt}: HTTP ${status}`);
}

/** Backoff fields of one lane: `initialDelay` and `maxDelay` both given or both left to the defaults. */
export interface LaneBackoff {
  readonly maxAttempts?: number;
  readonly initialDelay?: number;
  readonly maxDelay?: number;
  readonly exponentialBase?: number;
  readonly jitter?: JitterOption;
}

function laneBackoff(jitters: readonly JitterOption[]): fc.Arbitrary<LaneBackoff> {
  return fc
    .record(
      {
        maxAttempts: fc.integer({ min: 1, max: 7 }),
        delays: delayPair,
        exponentialBase: exponentialBaseValue,
        jitter: fc.constantFrom(...jitters),
      },
      { requiredKeys: ['maxAttempts'] },
    )
    .map(({ delays, ...rest }) => ({ ...rest, ...delays }));
}

export const retryLaneBackoff = laneBackoff(allJitters);
export const rateLimitLaneBackoff = laneBackoff(rateLimitJitters);

// ---------------------------------------------------------------------------------------------
// Hostile things to throw
//
// fast-check inspects every generated value (to clone and to print it), and a revoked Proxy or a
// throwing getter would break fast-check itself. So these arbitraries generate recipes: plain
// values that print as a short description and build a fresh hostile value inside the property.

export interface Recipe {
  readonly make: () => unknown;
}

function recipe(label: string, make: () => unknown): Recipe {
  return { make, [fc.toStringMethod]: () => label } as Recipe;
}

/** A recipe for a value fast-check can handle itself (numbers, strings, fc.anything's objects). */
function plain(arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<Recipe> {
  return arbitrary.map((value) => recipe(fc.stringify(value), () => value));
}

/** Every property the classifiers and `readRetryAfter` read. */
export const inspectedKeys = [
  'name',
  'code',
  'message',
  'status',
  'statusCode',
  '$metadata',
  'httpStatusCode',
  'response',
  '$response',
  '$retryable',
  'throttling',
  '$fault',
  'cause',
  'errors',
  'length',
  '0',
  'headers',
  'get',
  'retry-after',
  'retry-after-ms',
  'x-amz-retry-after',
] as const;

function withThrowingGetters(keys: readonly string[], thrown: unknown): object {
  const target: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(target, key, {
      enumerable: true,
      get() {
        throw thrown;
      },
    });
  }
  return target;
}

function revokedProxy(overFunction: boolean): object {
  const { proxy, revoke } = Proxy.revocable(overFunction ? function target() {} : {}, {});
  revoke();
  return proxy;
}

/** A Proxy every trap of which throws, even getPrototypeOf and ownKeys. */
function everyTrapThrows(overFunction: boolean): object {
  const fail = (): never => {
    throw new Error('trap');
  };
  return new Proxy(overFunction ? function target() {} : {}, {
    get: fail,
    has: fail,
    ownKeys: fail,
    getPrototypeOf: fail,
    getOwnPropertyDescriptor: fail,
    apply: fail,
    construct: fail,
    defineProperty: fail,
    set: fail,
    deleteProperty: fail,
    isExtensible: fail,
    preventExtensions: fail,
    setPrototypeOf: fail,
  });
}

const hostileLeaf: fc.Arbitrary<Recipe> = fc.oneof(
  fc
    .boolean()
    .map((overFunction) =>
      recipe(`revokedProxy(${overFunction ? 'function' : 'object'})`, () =>
        revokedProxy(overFunction),
      ),
    ),
  fc
    .boolean()
    .map((overFunction) =>
      recipe(`everyTrapThrows(${overFunction ? 'function' : 'object'})`, () =>
        everyTrapThrows(overFunction),
      ),
    ),
  fc
    .tuple(fc.subarray([...inspectedKeys], { minLength: 1 }), fc.anything())
    .map(([keys, thrown]) =>
      recipe(`throwingGetters(${keys.join(',')})`, () => withThrowingGetters(keys, thrown)),
    ),
  fc.string().map((description) => recipe(`Symbol(${description})`, () => Symbol(description))),
  plain(fc.bigInt()),
);

const knownNames = fc.constantFrom(
  'AbortError',
  'TimeoutError',
  'ThrottlingException',
  'throttlingException',
  'ModelNotReadyException',
  'ServiceUnavailableException',
  'AccessDeniedException',
  'ValidationException',
  'ModelStreamErrorException',
  'modelTimeoutException',
  'HttpError',
  'TypeError',
);
const knownCodes = fc.constantFrom(
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_RESPONSE',
  'UND_ERR_ABORTED',
  'ABORT_ERR',
  'HPE_INVALID_CONSTANT',
  'UND_ERR_SOCKS5_REPLY_3',
  'ThrottlingException',
);
const knownMessages = fc.constantFrom(
  'fetch failed',
  'Rate limit exceeded',
  'Throttled',
  'socket hang up',
  '',
);
const statusValue = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.constantFrom(429, 503, 0, -1, 1e9, NaN, 429.5),
  fc.anything(),
);
const headerValueSample = fc.oneof(
  fc.string(),
  fc.nat().map(String),
  fc.array(fc.string()),
  fc.double(),
  fc.anything(),
);
const headerBag = fc.dictionary(
  fc.constantFrom('retry-after', 'Retry-After', 'retry-after-ms', 'x-amz-retry-after', 'other'),
  headerValueSample,
);

/** A property of an error: a meaningful value, anything, or something hostile. */
function fieldOf(meaningful: fc.Arbitrary<unknown>): fc.Arbitrary<Recipe> {
  return fc.oneof(
    { weight: 4, arbitrary: plain(meaningful) },
    { weight: 1, arbitrary: plain(fc.anything()) },
    { weight: 1, arbitrary: hostileLeaf },
  );
}

type FieldRecipes = Partial<Record<string, Recipe>>;

/** The own fields of one thrown thing, before it gets its `cause` / `errors`. */
const errorFields: fc.Arbitrary<FieldRecipes> = fc.record(
  {
    name: fieldOf(knownNames),
    code: fieldOf(knownCodes),
    message: fieldOf(knownMessages),
    status: fieldOf(statusValue),
    statusCode: fieldOf(statusValue),
    $metadata: fieldOf(fc.record({ httpStatusCode: statusValue })),
    response: fieldOf(
      fc.record(
        { status: statusValue, statusCode: statusValue, headers: headerBag },
        { requiredKeys: [] },
      ),
    ),
    $response: fieldOf(
      fc.record({ statusCode: statusValue, headers: headerBag }, { requiredKeys: [] }),
    ),
    $retryable: fieldOf(fc.record({ throttling: fc.boolean() }, { requiredKeys: [] })),
    $fault: fieldOf(fc.constantFrom('client', 'server')),
    headers: fieldOf(headerBag),
  },
  { requiredKeys: [] },
);

function makeFields(fields: FieldRecipes): Record<string, unknown> {
  const made: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (field !== undefined) made[key] = field.make();
  }
  return made;
}

function fieldsLabel(fields: FieldRecipes): string {
  return Object.entries(fields)
    .map(([key, field]) => `${key}: ${String(field)}`)
    .join(', ');
}

type Shape = 'plain' | 'error' | 'frozen' | 'nullPrototype';
const errorShape = fc.constantFrom<Shape>('plain', 'error', 'frozen', 'nullPrototype');

/** Own data properties, even over inherited accessors such as Error's `name`/`message`. */
function defineAll<Target extends object>(target: Target, fields: Record<string, unknown>): Target {
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

/** The fields carried by a plain object, an Error, a frozen Error or a null-prototype object. */
function shaped(fields: Record<string, unknown>, shape: Shape): object {
  switch (shape) {
    case 'plain':
      return defineAll({}, fields);
    case 'error':
      return defineAll(new Error('error'), fields);
    case 'frozen':
      return Object.freeze(defineAll(new Error('frozen'), fields));
    case 'nullPrototype':
      return defineAll(Object.create(null) as object, fields);
  }
}

function errorRecipe(fields: FieldRecipes, shape: Shape, cause?: Recipe): Recipe {
  const label = `${shape}{${fieldsLabel(fields)}${cause === undefined ? '' : `, cause: ${String(cause)}`}}`;
  return recipe(label, () =>
    shaped(
      cause === undefined ? makeFields(fields) : { ...makeFields(fields), cause: cause.make() },
      shape,
    ),
  );
}

/**
 * An error-like value: an object with the fields the classifiers read, a thrown string, with a
 * nested `cause` chain and AggregateError `errors` (finite trees, no cycles).
 */
export const errorLike: fc.Arbitrary<Recipe> = fc.letrec<{ error: Recipe }>((tie) => ({
  error: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(errorFields, errorShape).map(([fields, shape]) => errorRecipe(fields, shape)),
    plain(fc.oneof(knownMessages, fc.string())),
    fc
      .tuple(errorFields, errorShape, tie('error'))
      .map(([fields, shape, cause]) => errorRecipe(fields, shape, cause)),
    fc
      .tuple(fc.array(tie('error'), { maxLength: 4 }), fc.option(tie('error'), { nil: undefined }))
      .map(([errors, cause]) =>
        recipe(
          `AggregateError[${errors.map(String).join(', ')}]${cause === undefined ? '' : ` cause ${String(cause)}`}`,
          () =>
            cause === undefined
              ? new AggregateError(
                  errors.map((error) => error.make()),
                  'aggregate',
                )
              : new AggregateError(
                  errors.map((error) => error.make()),
                  'aggregate',
                  { cause: cause.make() },
                ),
        ),
      ),
  ),
})).error;

/** Errors linked into cycles through `cause` and `errors`: node i's cause is node causeOf[i]. */
export const cyclicErrorGraph: fc.Arbitrary<Recipe> = fc
  .integer({ min: 1, max: 12 })
  .chain((size) =>
    fc.record({
      fields: fc.array(errorFields, { minLength: size, maxLength: size }),
      causeOf: fc.array(fc.integer({ min: 0, max: size - 1 }), {
        minLength: size,
        maxLength: size,
      }),
      errorsOf: fc.array(fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 3 }), {
        minLength: size,
        maxLength: size,
      }),
      aggregate: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
    }),
  )
  .map(({ fields, causeOf, errorsOf, aggregate }) =>
    recipe(
      `cycle(causeOf ${JSON.stringify(causeOf)}, errorsOf ${JSON.stringify(errorsOf)})`,
      () => {
        const nodes = fields.map((own, index) =>
          defineAll(
            aggregate[index] ? new AggregateError([], 'cycle') : new Error('cycle'),
            makeFields(own),
          ),
        );
        nodes.forEach((node, index) => {
          defineAll(node, { cause: nodes[causeOf[index]] });
          if (aggregate[index]) {
            defineAll(node, { errors: errorsOf[index].map((target) => nodes[target]) });
          }
        });
        return nodes[0];
      },
    ),
  );

/** AggregateErrors (or `cause` links) nested thousands deep around an error-like value. */
export const deeplyNestedError: fc.Arbitrary<Recipe> = fc
  .record({ depth: fc.integer({ min: 1, max: 5000 }), viaCause: fc.boolean(), bottom: errorLike })
  .map(({ depth, viaCause, bottom }) =>
    recipe(`${depth} x ${viaCause ? 'cause' : 'AggregateError'} around ${String(bottom)}`, () => {
      let error = bottom.make();
      // Capturing thousands of stack traces would make this the slowest step of the property.
      const { stackTraceLimit } = Error;
      Error.stackTraceLimit = 0;
      try {
        for (let level = 0; level < depth; level += 1) {
          error = viaCause
            ? new Error(`level ${level}`, { cause: error })
            : new AggregateError([error], `level ${level}`);
        }
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
      }
      return error;
    }),
  );

/** Strings of up to a few megabytes, thrown as they are or as an error's message. */
export const hugeString: fc.Arbitrary<Recipe> = fc
  .record({
    length: fc.integer({ min: 100_000, max: 3_000_000 }),
    filler: fc.constantFrom('a', 'rate ', '9', ' ', '\u00e9'),
    tail: knownMessages,
    asMessage: fc.boolean(),
  })
  .map(({ length, filler, tail, asMessage }) =>
    recipe(
      `${asMessage ? 'Error' : 'string'}(${JSON.stringify(filler)} x ${length} + ${JSON.stringify(tail)})`,
      () => {
        const text = filler.repeat(Math.ceil(length / filler.length)) + tail;
        return asMessage ? new Error(text) : text;
      },
    ),
  );

/** `fc.anything()` with every kind of value it can make. */
export const anyValue: fc.Arbitrary<unknown> = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Recipes of anything at all that a caller might throw, including the nastiest. */
export const anythingThrown: fc.Arbitrary<Recipe> = fc.oneof(
  plain(anyValue),
  hostileLeaf,
  errorLike,
  cyclicErrorGraph,
  deeplyNestedError,
  hugeString,
  fc.tuple(hostileLeaf, errorShape).map(([inner, shape]) =>
    recipe(`${shape} with cause and errors ${String(inner)}`, () => {
      const cause = inner.make();
      return shaped({ cause, errors: [cause] }, shape);
    }),
  ),
  fc.tuple(hostileLeaf, errorShape).map(([inner, shape]) =>
    recipe(`${shape} with headers ${String(inner)} everywhere`, () => {
      const headers = inner.make();
      return shaped({ headers, response: { headers }, $response: { headers } }, shape);
    }),
  ),
);

/** A recipe wrapped as `{ headers }`, `{ response: { headers } }` or `{ $response: { headers } }`. */
export function asHeadersOf(headers: fc.Arbitrary<Recipe>): fc.Arbitrary<Recipe> {
  return fc
    .tuple(headers, fc.constantFrom('headers', 'response.headers', '$response.headers'))
    .map(([inner, place]) =>
      recipe(`{ ${place}: ${String(inner)} }`, () => {
        const made = inner.make();
        if (place === 'headers') return { headers: made };
        return place === 'response.headers'
          ? { response: { headers: made } }
          : { $response: { headers: made } };
      }),
    );
}

// ---------------------------------------------------------------------------------------------
// Option values for validation properties

class CustomError extends Error {}
// A constructor written the ES5 way: `instanceof` works with it like with a class.
function LegacyError(this: { message: string }, message: string): void {
  this.message = message;
}
LegacyError.prototype = Object.create(Error.prototype) as object;

export const errorClasses = fc.constantFrom<ErrorClass>(
  Error,
  TypeError,
  RangeError,
  CustomError,
  LegacyError as unknown as ErrorClass,
  AggregateError,
  DOMException,
);
export const errorClassList = fc.array(errorClasses, { minLength: 1, maxLength: 4 });

/** An invalid value of an option and the error class it must be rejected with. */
export interface InvalidValue {
  readonly value: unknown;
  readonly errorClass: typeof TypeError | typeof RangeError;
}

/** What is a valid and an invalid value of one option. */
export interface OptionSpec {
  readonly valid: fc.Arbitrary<unknown>;
  readonly invalid: fc.Arbitrary<InvalidValue>;
}

const typeErrorFor = (values: fc.Arbitrary<unknown>): fc.Arbitrary<InvalidValue> =>
  values.map((value) => ({ value, errorClass: TypeError }));
const rangeErrorFor = (values: fc.Arbitrary<unknown>): fc.Arbitrary<InvalidValue> =>
  values.map((value) => ({ value, errorClass: RangeError }));

class NotAnError {}
/** Classes: a function to `typeof`, but calling one as a callback throws (or builds an Error). */
const classConstructors = fc.constantFrom<unknown>(
  NotAnError,
  CustomError,
  Error,
  TypeError,
  AbortSignal,
  AbortController,
);
/**
 * Functions valid for every callback option. They return undefined, so that as `retryOnResult`
 * they ask for no retry and as `classifier` they defer.
 */
const callbacks = fc.oneof(
  fc.func(fc.constant(undefined)),
  fc.constantFrom<unknown>(
    () => undefined,
    function named() {},
    function bound() {}.bind(null),
  ),
);

/** Everything but undefined (which means "not given"): values, symbols, callbacks and classes. */
const definedValue: fc.Arbitrary<unknown> = fc
  .oneof(
    anyValue,
    fc.string().map((description) => Symbol(description)),
    callbacks,
    classConstructors,
  )
  .filter((value) => value !== undefined);

const notANumber = definedValue.filter((value) => typeof value !== 'number');
const notABoolean = definedValue.filter((value) => typeof value !== 'boolean');
const notAFunction = definedValue.filter((value) => typeof value !== 'function');
const notAnArray = definedValue.filter((value) => !Array.isArray(value));
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0),
);

const jitterNames = new Set<unknown>(['full', 'equal', 'decorrelated', 'proportional', 'none']);
const notAJitter = fc
  .oneof(
    definedValue,
    fc.string(),
    fc.constantFrom('FULL', 'None', ' full', 'random', 'exponential'),
  )
  .filter((value) => typeof value !== 'boolean' && !jitterNames.has(value));

/** Arrays of error classes with a hole or with something `instanceof` cannot use. */
const brokenErrorClassList = fc.oneof(
  fc.tuple(errorClassList, fc.nat()).map(([classes, at]) => {
    const sparse = [...classes];
    delete sparse[at % sparse.length];
    return sparse;
  }),
  fc.integer({ min: 1, max: 5 }).map((length) => new Array<unknown>(length)),
  fc
    .tuple(
      errorClassList,
      definedValue.filter((value) => typeof value !== 'function'),
    )
    .map(([classes, item]) => [...classes, item]),
  // An arrow or async function has no prototype: `error instanceof it` throws at the first failure.
  fc
    .tuple(
      errorClassList,
      fc.constantFrom<unknown>(
        () => true,
        async () => true,
        (error: unknown) => error instanceof Error,
      ),
    )
    .map(([classes, item]) => [item, ...classes]),
);

function delaySpec(): OptionSpec {
  return {
    valid: delayValue,
    invalid: fc.oneof(
      typeErrorFor(notANumber),
      rangeErrorFor(anyNumber.filter((value) => !(value >= 0 && value <= longestTimer))),
    ),
  };
}

const callbackSpec: OptionSpec = {
  valid: callbacks,
  invalid: fc.oneof(typeErrorFor(notAFunction), typeErrorFor(classConstructors)),
};

const booleanSpec: OptionSpec = { valid: fc.boolean(), invalid: typeErrorFor(notABoolean) };

/** The options every lane has (BackoffOptions). */
export const backoffSpecs = {
  maxAttempts: {
    valid: fc.oneof(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.constant(Infinity),
    ),
    invalid: fc.oneof(
      typeErrorFor(notANumber),
      rangeErrorFor(
        anyNumber.filter((value) => !(Number.isInteger(value) && value >= 1) && value !== Infinity),
      ),
      // Infinity without a deadline in the same options (injectInvalid removes the deadline).
      rangeErrorFor(fc.constant(Infinity)),
    ),
  },
  initialDelay: delaySpec(),
  maxDelay: delaySpec(),
  exponentialBase: {
    valid: exponentialBaseValue,
    invalid: fc.oneof(
      typeErrorFor(notANumber),
      rangeErrorFor(anyNumber.filter((value) => !(Number.isFinite(value) && value > 1))),
    ),
  },
  jitter: { valid: fc.constantFrom(...allJitters), invalid: typeErrorFor(notAJitter) },
  deadline: {
    valid: deadlineValue,
    invalid: fc.oneof(
      typeErrorFor(notANumber),
      rangeErrorFor(anyNumber.filter((value) => !(Number.isFinite(value) && value > 0))),
    ),
  },
  respectRetryAfter: booleanSpec,
  signal: {
    valid: fc.oneof(
      fc.constant(null).map(() => new AbortController().signal),
      fc.constant(null).map(() => AbortSignal.abort()),
      fc.constant((args: readonly unknown[]) =>
        args[0] instanceof AbortSignal ? args[0] : undefined,
      ),
    ),
    invalid: fc.oneof(typeErrorFor(notAFunction), typeErrorFor(classConstructors)),
  },
  onRetry: callbackSpec,
  onGiveUp: callbackSpec,
  random: callbackSpec,
} satisfies Record<keyof BackoffOptions, OptionSpec>;

export const retrySpecs = {
  ...backoffSpecs,
  retryOn: {
    valid: fc.oneof(
      errorClassList,
      fc.constantFrom<unknown>(
        () => true,
        (error: unknown) => error instanceof TypeError,
      ),
    ),
    invalid: fc.oneof(
      typeErrorFor(errorClasses), // retryOn: TimeoutError instead of [TimeoutError]
      typeErrorFor(notAnArray.filter((value) => typeof value !== 'function')),
      rangeErrorFor(fc.constant([])),
      typeErrorFor(brokenErrorClassList),
    ),
  },
  retryCategories: {
    valid: fc.array(fc.constantFrom(...allCategories), { minLength: 1, maxLength: 6 }),
    invalid: fc.oneof(
      typeErrorFor(notAnArray),
      rangeErrorFor(fc.constant([])),
      typeErrorFor(
        fc
          .tuple(fc.array(fc.constantFrom(...allCategories)), definedValue)
          .map(([categories, item]) => [...categories, item])
          .filter((list) => !list.every((item) => allCategories.includes(item as ErrorCategory))),
      ),
      typeErrorFor(fc.integer({ min: 1, max: 5 }).map((length) => new Array<unknown>(length))),
      typeErrorFor(fc.constantFrom<unknown>(['RETRYABLE'], ['timeout ', 'retryable'], [undefined])),
    ),
  },
  idempotent: booleanSpec,
  retryOnResult: callbackSpec,
  classifier: callbackSpec,
  onSuccess: callbackSpec,
  delays: {
    valid: fc.oneof(
      fc.array(delayValue, { minLength: 1, maxLength: 5 }),
      fc.constant((attempt: number) => attempt * 10),
    ),
    invalid: fc.oneof(
      typeErrorFor(notAnArray.filter((value) => typeof value !== 'function')),
      typeErrorFor(classConstructors),
      rangeErrorFor(fc.constant([])),
      rangeErrorFor(fc.constantFrom<unknown>([-1], [10, NaN], [Infinity])),
      typeErrorFor(fc.constantFrom<unknown>(['10'], [undefined], [null])),
    ),
  },
  budget: {
    valid: fc.constant(false),
    invalid: typeErrorFor(
      definedValue.filter(
        (value) => value !== false && (typeof value !== 'object' || value === null),
      ),
    ),
  },
} satisfies Record<keyof RetryOptions, OptionSpec>;

export const rateLimitSpecs = {
  ...backoffSpecs,
  jitter: {
    valid: fc.constantFrom(...rateLimitJitters),
    // Rate-limit retries are always jittered.
    invalid: fc.oneof(
      typeErrorFor(notAJitter),
      typeErrorFor(fc.constantFrom<unknown>('none', false)),
    ),
  },
  rateLimitErrors: {
    valid: errorClassList,
    invalid: fc.oneof(
      typeErrorFor(notAnArray),
      rangeErrorFor(fc.constant([])),
      typeErrorFor(brokenErrorClassList),
    ),
  },
} satisfies Record<keyof RateLimitOptions, OptionSpec>;

export type OptionsRecord = Record<string, unknown>;

/** Options made of valid values, each key given, left out or explicitly undefined. */
export function validOptions(specs: Record<string, OptionSpec>): fc.Arbitrary<OptionsRecord> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, spec] of Object.entries(specs)) {
    fields[key] = fc.option(spec.valid, { nil: undefined, freq: 8 });
  }
  return fc.record(fields, { requiredKeys: [] }).map(withRelationsKept);
}

/**
 * The rules between options of one object: maxDelay >= initialDelay, Infinity needs a deadline,
 * no 'decorrelated' jitter with `delays`.
 */
function withRelationsKept(options: OptionsRecord): OptionsRecord {
  const kept = { ...options };
  const { initialDelay, maxDelay } = kept;
  if (typeof initialDelay === 'number' && typeof maxDelay === 'number' && maxDelay < initialDelay) {
    kept.initialDelay = maxDelay;
    kept.maxDelay = initialDelay;
  }
  if (kept.maxAttempts === Infinity && kept.deadline === undefined) kept.deadline = 60_000;
  // 'decorrelated' jitter would ignore a `delays` schedule: the two are refused together.
  if (kept.jitter === 'decorrelated' && kept.delays !== undefined) kept.jitter = 'full';
  return kept;
}

export const rateLimitSpec: OptionSpec = {
  valid: validOptions(rateLimitSpecs),
  invalid: typeErrorFor(definedValue.filter((value) => !isPlainObject(value))),
};

export const retryDefaultsSpecs = {
  ...retrySpecs,
  rateLimit: rateLimitSpec,
  circuitBreaker: {
    valid: fc.constant(null).map(() => ({})),
    invalid: typeErrorFor(
      definedValue.filter(
        (value) => typeof value !== 'object' || value === null || Array.isArray(value),
      ),
    ),
  },
  rateLimiter: {
    valid: fc.constant(null).map(() => ({ limit: 10, interval: 1000 })),
    invalid: typeErrorFor(
      definedValue.filter(
        (value) => typeof value !== 'object' || value === null || Array.isArray(value),
      ),
    ),
  },
  fallback: {
    valid: fc.constant(null).map(() => ({ to: 'fallback value' })),
    invalid: typeErrorFor(definedValue.filter((value) => !isPlainObject(value))),
  },
  concurrencyLimit: {
    valid: fc.integer({ min: 1, max: 100 }).map((maxConcurrent) => ({ maxConcurrent })),
    invalid: typeErrorFor(
      definedValue.filter(
        (value) => typeof value !== 'object' || value === null || Array.isArray(value),
      ),
    ),
  },
  // The takers call synchronous targets, which a time limit or a hedge refuses at their first
  // call (__tests__/policies/timeout and hedge test their values); only invalid ones are drawn.
  timeout: {
    valid: fc.constant(undefined),
    invalid: typeErrorFor(
      definedValue.filter((value) => typeof value !== 'number' && !isPlainObject(value)),
    ),
  },
  hedge: {
    valid: fc.constant(undefined),
    invalid: typeErrorFor(definedValue.filter((value) => !isPlainObject(value))),
  },
  attemptContext: booleanSpec,
} satisfies Record<keyof RetryDefaultsOptions, OptionSpec>;

export const backoffCalculationSpecs = {
  initialDelay: backoffSpecs.initialDelay,
  maxDelay: backoffSpecs.maxDelay,
  exponentialBase: backoffSpecs.exponentialBase,
  jitter: backoffSpecs.jitter,
  random: backoffSpecs.random,
  previousDelay: delaySpec(),
} satisfies Record<keyof BackoffDelayOptions, OptionSpec>;

export function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Options that depend on each other: an invalid value of one is injected without the other. */
const relatedOption: Readonly<Record<string, string>> = {
  maxAttempts: 'deadline',
  deadline: 'maxAttempts',
  initialDelay: 'maxDelay',
  maxDelay: 'initialDelay',
};

/** `options` with `key` (or `rateLimit.key`) set to `value`; the option it depends on is left out. */
export function injectInvalid(options: OptionsRecord, path: string, value: unknown): OptionsRecord {
  const [outer, inner] = path.split('.');
  if (inner === undefined) return { ...without(options, relatedOption[outer]), [outer]: value };
  const nested = isPlainObject(options[outer]) ? (options[outer] as OptionsRecord) : {};
  return { ...options, [outer]: { ...without(nested, relatedOption[inner]), [inner]: value } };
}

function without(options: OptionsRecord, key: string | undefined): OptionsRecord {
  if (key === undefined) return options;
  const { [key]: _removed, ...rest } = options;
  return rest;
}
