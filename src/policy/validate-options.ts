import { isErrorCategory } from '../classify/error-category';
import type { RateLimitOptions, RetryDefaultsOptions, RetryOptions } from './options';
import { describeValue } from './describe-value';
import { everyItem } from './every-item';
import { isClassConstructor } from './is-class-constructor';
import { abortSignalShortfall, isAbortSignal } from '../core/abort-signal';
import { mergeOwnKeys } from './own-keys';
import { isAsyncFunction } from './predicate-answer';
import { isRetryBudget } from '../policies/retry-budget/retry-budget';

// Options are checked once, where they are given (when a decorator is applied, when a RetryContext
// or a retrying function is made), so a mistake surfaces at class definition rather than on the
// first failure in production. Every message names the option and the value.

type FieldCheck = (value: unknown, options: Record<string, unknown>) => FieldProblem | undefined;

interface FieldProblem {
  readonly kind: 'type' | 'range';
  readonly expected: string;
}

const typeProblem = (expected: string): FieldProblem => ({ kind: 'type', expected });
const rangeProblem = (expected: string): FieldProblem => ({ kind: 'range', expected });

// setTimeout fires at once (with a TimeoutOverflowWarning) for anything longer, about 24.8 days.
const longestTimer = 2_147_483_647;

function nonNegativeDelay(value: unknown): FieldProblem | undefined {
  if (typeof value !== 'number') return typeProblem('a number of milliseconds');
  if (!Number.isFinite(value) || value < 0 || value > longestTimer) {
    return rangeProblem(`a number of milliseconds from 0 to ${longestTimer}`);
  }
  return undefined;
}

function functionValue(value: unknown): FieldProblem | undefined {
  // A class is a function to `typeof`, but calling it as a callback throws on the first retry.
  if (isClassConstructor(value)) return typeProblem('a function, not a class');
  return typeof value === 'function' ? undefined : typeProblem('a function');
}

/** A predicate or classifier: answers at once, so an async function (always a promise) is refused. */
function synchronousFunction(value: unknown): FieldProblem | undefined {
  if (isAsyncFunction(value)) {
    return typeProblem(
      'a function that answers synchronously, not an async function (a promise is always truthy, so it would read as true)',
    );
  }
  return functionValue(value);
}

function booleanValue(value: unknown): FieldProblem | undefined {
  return typeof value === 'boolean' ? undefined : typeProblem('true or false');
}

function errorClassList(value: unknown): FieldProblem | undefined {
  if (!Array.isArray(value) || !everyItem(value, isUsableWithInstanceof)) {
    return typeProblem('an array of error classes');
  }
  return value.length === 0 ? rangeProblem('at least one error class') : undefined;
}

/**
 * `error instanceof item` throws for an arrow or async function (it has no prototype): an item
 * `(error) => ...` would pass as a function here and throw at the first failure instead.
 */
function isUsableWithInstanceof(item: unknown): boolean {
  if (typeof item !== 'function') return false;
  try {
    void ((Object.create(null) as object) instanceof item);
    return true;
  } catch {
    return false;
  }
}

const jitterStrategies = new Set(['full', 'equal', 'decorrelated', 'proportional', 'none']);

const backoffChecks: Record<string, FieldCheck> = {
  maxAttempts(value, options) {
    if (typeof value !== 'number') return typeProblem('an integer >= 1');
    if (value === Infinity) {
      return options.deadline === undefined
        ? rangeProblem('finite unless a deadline is given in the same options')
        : undefined;
    }
    return Number.isInteger(value) && value >= 1 ? undefined : rangeProblem('an integer >= 1');
  },
  initialDelay: nonNegativeDelay,
  maxDelay(value, options) {
    const problem = nonNegativeDelay(value);
    if (problem) return problem;
    const initialDelay = options.initialDelay;
    if (typeof initialDelay === 'number' && (value as number) < initialDelay) {
      return rangeProblem(`>= initialDelay (${initialDelay})`);
    }
    return undefined;
  },
  exponentialBase(value) {
    if (typeof value !== 'number') return typeProblem('a number > 1');
    return Number.isFinite(value) && value > 1 ? undefined : rangeProblem('a finite number > 1');
  },
  jitter(value) {
    if (typeof value === 'boolean') return undefined;
    if (typeof value === 'string' && jitterStrategies.has(value)) return undefined;
    return typeProblem(
      `one of 'full', 'equal', 'decorrelated', 'proportional', 'none', true, false`,
    );
  },
  deadline(value) {
    if (typeof value !== 'number') return typeProblem('a number of milliseconds');
    return Number.isFinite(value) && value > 0
      ? undefined
      : rangeProblem('a finite number of milliseconds > 0');
  },
  respectRetryAfter: booleanValue,
  signal(value) {
    if ((typeof value === 'function' && !isClassConstructor(value)) || isAbortSignal(value)) {
      return undefined;
    }
    const shortfall = abortSignalShortfall(value);
    return typeProblem(
      `an AbortSignal or a function (args) => AbortSignal | undefined${shortfall === undefined ? '' : ` (this object looks like a signal, but ${shortfall})`}`,
    );
  },
  onRetry: functionValue,
  onGiveUp: functionValue,
  random: functionValue,
};

/** Why 'decorrelated' jitter and a `delays` schedule cannot go together. */
const decorrelatedIgnoresDelays = `'decorrelated' jitter grows each delay from the previous one and would ignore the "delays" schedule`;

const retryChecks: Record<string, FieldCheck> = {
  ...backoffChecks,
  retryOn(value) {
    // A class is a function too: `retryOn: TimeoutError` would be called as a predicate.
    if (isClassConstructor(value)) {
      return typeProblem(
        'an array of error classes (write retryOn: [ErrorClass]) or a predicate function',
      );
    }
    if (typeof value === 'function') return synchronousFunction(value);
    if (!Array.isArray(value)) {
      return typeProblem(
        'an array of error classes or a function (error, { category, attempt }) => boolean',
      );
    }
    return errorClassList(value);
  },
  retryCategories(value) {
    if (!Array.isArray(value) || !everyItem(value, isErrorCategory)) {
      return typeProblem('an array of ErrorCategory values');
    }
    return value.length === 0 ? rangeProblem('at least one ErrorCategory') : undefined;
  },
  idempotent: booleanValue,
  retryOnResult: synchronousFunction,
  classifier: synchronousFunction,
  onSuccess: functionValue,
  delays(value, options) {
    const problem = delaySchedule(value);
    if (problem) return problem;
    return options.jitter === 'decorrelated'
      ? rangeProblem(
          `left out with jitter 'decorrelated' (${decorrelatedIgnoresDelays}), or given with 'full', 'equal', 'proportional' or 'none'`,
        )
      : undefined;
  },
  budget(value) {
    return value === false || isRetryBudget(value)
      ? undefined
      : typeProblem('a RetryBudget or false');
  },
};

function delaySchedule(value: unknown): FieldProblem | undefined {
  // A schedule answers at once: an async function's promise is not a number of milliseconds.
  if (typeof value === 'function') return synchronousFunction(value);
  if (!Array.isArray(value)) {
    return typeProblem('an array of delays in milliseconds or a function (attempt, error) => ms');
  }
  if (value.length === 0) return rangeProblem('at least one delay');
  // Item by item, a hole read as undefined: a huge sparse array is refused at its first hole.
  for (let index = 0; index < value.length; index += 1) {
    const problem = nonNegativeDelay((value as unknown[])[index]);
    if (problem) return { kind: problem.kind, expected: `a list of ${problem.expected}` };
  }
  return undefined;
}

const rateLimitChecks: Record<string, FieldCheck> = {
  ...backoffChecks,
  jitter(value) {
    // Many clients throttled at once retry in lockstep without jitter and trip the limit again.
    if (value === 'none' || value === false) {
      return typeProblem(
        `jitter that is on ('full', 'equal', 'decorrelated', 'proportional' or true); rate-limit retries are always jittered`,
      );
    }
    return backoffChecks.jitter(value, {});
  },
  rateLimitErrors: errorClassList,
};

const defaultsChecks: Record<string, FieldCheck> = {
  ...retryChecks,
  rateLimit(value) {
    return isPlainObject(value) ? undefined : typeProblem('an object of rate-limit options');
  },
  // Its fields are checked by the breaker (src/policies/circuit-breaker), naming them.
  circuitBreaker(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? undefined
      : typeProblem('circuit-breaker options or a Breaker');
  },
  // Its fields are checked by the limiter (src/policies/rate-limit), naming them.
  rateLimiter(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? undefined
      : typeProblem('rate-limiter options ({ limit, interval }) or a RateLimiter');
  },
  // Its fields are checked by the fallback (src/policies/fallback), naming them.
  fallback(value) {
    return isPlainObject(value)
      ? undefined
      : typeProblem('{ to, on? }: a fallback value or function, and which failures fall back');
  },
  // Its fields are checked by the limiter (src/policies/concurrency-limit), naming them.
  concurrencyLimit(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? undefined
      : typeProblem('concurrency-limit options or a ConcurrencyLimiter');
  },
  // The fields of `timeout` and `hedge` are checked by their policies (src/policies/), naming them.
  timeout(value) {
    return typeof value === 'number' || isPlainObject(value)
      ? undefined
      : typeProblem('a number of milliseconds or { ms }');
  },
  hedge(value, options) {
    if (!isPlainObject(value)) return typeProblem('hedge options ({ delay, maxHedges })');
    // A hedge runs the call twice at once: only for calls that may run twice.
    return options.idempotent === false
      ? rangeProblem('left out: hedging runs a call more than once, and idempotent is false')
      : undefined;
  },
  attemptContext: booleanValue,
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function check(
  checks: Record<string, FieldCheck>,
  options: unknown,
  source: string,
  optionPrefix = '',
): Record<string, unknown> {
  if (options === undefined) return mergeOwnKeys();
  if (typeof options === 'function') {
    // `@Retry` written without parentheses hands the method itself over as the options.
    throw new TypeError(
      `${source}: expected an options object, got a function; write ${source}() with parentheses`,
    );
  }
  if (!isPlainObject(options)) {
    throw new TypeError(`${source}: expected an options object, got ${describeValue(options)}`);
  }
  // One snapshot, read once: a getter that answers differently on a second read (deadline: 150,
  // then undefined) cannot pass a check and then be used with another value. Only it is used.
  const snapshot = ownDataSnapshot(options);
  // Without a prototype, like the snapshot: what was not given reads as undefined, never as an
  // inherited value.
  const given: Record<string, unknown> = mergeOwnKeys();
  for (const key of Object.keys(snapshot)) {
    const value = snapshot[key];
    const fieldCheck = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (fieldCheck === undefined) {
      throw new TypeError(
        `${source}: unknown option "${optionPrefix}${key}" (value ${describeValue(value)})`,
      );
    }
    if (value === undefined) continue; // an explicit undefined means "not given"
    const problem = fieldCheck(value, snapshot);
    if (problem) {
      const message = `${source}: option "${optionPrefix}${key}" must be ${problem.expected}, got ${describeValue(value)}`;
      throw problem.kind === 'range' ? new RangeError(message) : new TypeError(message);
    }
    given[key] = value;
  }
  return given;
}

/** The own enumerable properties of `options`, each read once, in a record without a prototype. */
function ownDataSnapshot(options: Record<string, unknown>): Record<string, unknown> {
  const snapshot: Record<string, unknown> = mergeOwnKeys();
  for (const key of Object.keys(options)) snapshot[key] = options[key];
  return snapshot;
}

/** Checks `@Retry` / `withRetry` / `RetryContext` options; returns them without undefined fields. */
export function validateRetryOptions(options: unknown, source: string): RetryOptions {
  return check(retryChecks, options, source) as RetryOptions;
}

/** Checks `@RetryOnRateLimit` options; returns them without undefined fields. */
export function validateRateLimitOptions(
  options: unknown,
  source: string,
  optionPrefix = '',
): RateLimitOptions {
  return check(rateLimitChecks, options, source, optionPrefix) as RateLimitOptions;
}

/** Checks `@RetryDefaults` options, including the nested `rateLimit` defaults. */
export function validateRetryDefaultsOptions(
  options: unknown,
  source: string,
): RetryDefaultsOptions {
  const given = check(defaultsChecks, options, source) as RetryDefaultsOptions;
  if (given.rateLimit !== undefined) {
    return mergeOwnKeys(given, {
      rateLimit: validateRateLimitOptions(given.rateLimit, source, 'rateLimit.'),
    });
  }
  return given;
}

/** One layer of a merged policy, and how to name one of its options in a message. */
export interface OptionLayer {
  readonly options: object | undefined;
  /** Names the layer for `key: value`, e.g. `@RetryDefaults({ initialDelay: 5000 }) on Foo`. */
  readonly describe: (key: string, value: string) => string;
}

/**
 * Checks what only appears once layers merge (`layers` from lowest to highest precedence, each
 * valid on its own): the `initialDelay` of one and the `maxDelay` of another, the 'decorrelated'
 * `jitter` of one and the `delays` of another. Throws a RangeError naming both layers.
 */
export function checkMergedLayers(layers: readonly OptionLayer[]): void {
  checkDecorrelatedWithDelays(layers);
  const initialDelay = lastLayerWith(layers, 'initialDelay');
  const maxDelay = lastLayerWith(layers, 'maxDelay');
  if (initialDelay === undefined || maxDelay === undefined) return;
  // Within one layer the relation was checked when it was given.
  if (initialDelay.index === maxDelay.index || maxDelay.value >= initialDelay.value) return;
  const [first, second] =
    initialDelay.index < maxDelay.index ? [initialDelay, maxDelay] : [maxDelay, initialDelay];
  throw new RangeError(
    `${first.describe()} and ${second.describe()}: maxDelay (${maxDelay.value}) must be >= initialDelay (${initialDelay.value})`,
  );
}

function checkDecorrelatedWithDelays(layers: readonly OptionLayer[]): void {
  const jitter = lastLayerWith(layers, 'jitter', (value) => value !== undefined);
  const delays = lastLayerWith(layers, 'delays', (value) => value !== undefined);
  if (jitter === undefined || delays === undefined || jitter.value !== 'decorrelated') return;
  if (jitter.index === delays.index) return; // checked when that layer was given
  const [first, second] = jitter.index < delays.index ? [jitter, delays] : [delays, jitter];
  throw new RangeError(
    `${first.describe()} and ${second.describe()}: ${decorrelatedIgnoresDelays}; use 'full', 'equal', 'proportional' or 'none' with it`,
  );
}

interface LayerValue<Value = number> {
  readonly index: number;
  readonly value: Value;
  readonly describe: () => string;
}

function lastLayerWith(layers: readonly OptionLayer[], key: string): LayerValue | undefined;
function lastLayerWith(
  layers: readonly OptionLayer[],
  key: string,
  accepts: (value: unknown) => boolean,
): LayerValue<unknown> | undefined;
function lastLayerWith(
  layers: readonly OptionLayer[],
  key: string,
  accepts: (value: unknown) => boolean = (value) => typeof value === 'number',
): LayerValue<unknown> | undefined {
  for (let index = layers.length - 1; index >= 0; index--) {
    const { options, describe } = layers[index];
    if (options === undefined || !Object.hasOwn(options, key)) continue;
    const value: unknown = (options as Record<string, unknown>)[key];
    if (!accepts(value)) continue;
    return { index, value, describe: () => describe(key, describeValue(value)) };
  }
  return undefined;
}

/** Checks the options of `calculateBackoffDelay`: the backoff fields of `RetryOptions`. */
export function validateBackoffCalculationOptions(
  options: unknown,
  source: string,
): Record<string, unknown> {
  return check(backoffCalculationChecks, options, source);
}

const backoffCalculationChecks: Record<string, FieldCheck> = {
  initialDelay: backoffChecks.initialDelay,
  maxDelay: backoffChecks.maxDelay,
  exponentialBase: backoffChecks.exponentialBase,
  jitter: backoffChecks.jitter,
  random: backoffChecks.random,
  previousDelay: nonNegativeDelay,
};
