import type { ResolvedBackoff } from '../backoff/jitter';
import { resolveBackoff } from './resolve-backoff';
import type { Classifier } from '../classify/classifier';
import { classifyError } from '../classify/classify-error';
import { isErrorCategory, type ErrorCategory } from '../classify/error-category';
import { isFailureBeforeProcessing } from '../classify/before-processing';
import { isRateLimitError } from '../classify/rate-limit';
import { rateLimitDefaults, retryDefaults } from './defaults';
import { describeValue } from './describe-value';
import { mergeOwnKeys, ownValue } from './own-keys';
import { isThenable, promiseReturnedError, refusingPromises } from './predicate-answer';
import type {
  BackoffOptions,
  DelaySchedule,
  ErrorClass,
  RateLimitOptions,
  RetryOptions,
  SignalOption,
} from './options';

/**
 * One schedule of retries with its own attempt cap. A policy has up to two: the rate-limit lane
 * (`@RetryOnRateLimit`) and the retry lane (`@Retry`). Each failure is counted in one lane only, so
 * stacking the decorators never multiplies attempts.
 */
export interface RetryLane {
  readonly name: 'retry' | 'rateLimit';
  readonly maxAttempts: number;
  readonly backoff: ResolvedBackoff;
  readonly respectRetryAfter: boolean;
  /** Whether this lane retries the failure (before its cap and the deadline are considered). */
  readonly accepts: (error: unknown, category: ErrorCategory, attempt: number) => boolean;
  /**
   * Whether this lane may retry a value that `retryOnResult` asked to retry: always, unless the
   * call is not idempotent; then only a value known to come from a call that was not processed
   * (a 429 or 503 response), as for a failure.
   */
  readonly acceptsResult: ((value: unknown) => boolean) | undefined;
  readonly onRetry: BackoffOptions['onRetry'];
  readonly onGiveUp: BackoffOptions['onGiveUp'];
  /** The `delays` option: an explicit schedule instead of exponential backoff. */
  readonly schedule: DelaySchedule | undefined;
}

/** Everything the retry loop needs, resolved and validated before the first call. */
export interface RetryPolicy {
  readonly rateLimitLane: RetryLane | undefined;
  readonly retryLane: RetryLane | undefined;
  /** The classifier chain ending in `classifyError`. */
  readonly classify: (error: unknown) => ErrorCategory;
  readonly retryOnResult: ((result: unknown) => boolean) | undefined;
  readonly onSuccess: RetryOptions['onSuccess'];
  readonly signal: SignalOption | undefined;
  /**
   * The call's total budget in ms from its start: the tightest `deadline` of its lanes, because a
   * deadline bounds the whole call, whichever lane is sleeping.
   */
  readonly deadline: number | undefined;
}

/** The option layers of one policy, each already validated; later layers override earlier ones. */
export interface PolicyLayers {
  readonly retry?: readonly (RetryOptions | undefined)[];
  readonly rateLimit?: readonly (RateLimitOptions | undefined)[];
  /** Classifiers consulted, in order, before `classifyError`. */
  readonly classifiers?: readonly (Classifier | undefined)[];
}

export function createRetryPolicy(layers: PolicyLayers): RetryPolicy {
  const retryLayers = ownValue(layers, 'retry');
  const rateLimitLayers = ownValue(layers, 'rateLimit');
  const retry = retryLayers && mergeLayers<RetryOptions>(retryLayers);
  const rateLimit = rateLimitLayers && mergeLayers<RateLimitOptions>(rateLimitLayers);
  const retryLane = retry && createRetryLane(retry);
  const rateLimitLane = rateLimit && createRateLimitLane(rateLimit);
  const classifiers = [retry?.classifier, ...(ownValue(layers, 'classifiers') ?? [])].filter(
    (classifier): classifier is Classifier => classifier !== undefined,
  );
  const deadlines = [retry?.deadline, rateLimit?.deadline].filter(
    (value): value is number => value !== undefined,
  );
  const deadline = deadlines.length === 0 ? undefined : Math.min(...deadlines);
  return {
    rateLimitLane,
    retryLane,
    classify: chainClassifiers(classifiers),
    retryOnResult: retry?.retryOnResult && refusingPromises(retry.retryOnResult, 'retryOnResult'),
    onSuccess: retry?.onSuccess,
    signal: retry?.signal ?? rateLimit?.signal,
    deadline,
  };
}

function mergeLayers<Options extends object>(layers: readonly (Options | undefined)[]): Options {
  // Layers come from validation, which drops undefined fields, so they override field by field.
  // Own keys only, into a record without a prototype: an option is never read from Object.prototype.
  return mergeOwnKeys<Options>(...layers);
}

function createRetryLane(options: RetryOptions): RetryLane {
  const matches = retryMatcher(options);
  const idempotent = options.idempotent ?? retryDefaults.idempotent;
  // A call that must not run twice is retried only when the failure proves it never ran.
  const accepts: RetryLane['accepts'] = idempotent
    ? matches
    : (error, category, attempt) =>
        isFailureBeforeProcessing(error) && matches(error, category, attempt);
  return createLane(
    'retry',
    options,
    retryDefaults,
    accepts,
    options.delays,
    idempotent ? undefined : isFailureBeforeProcessing,
  );
}

function retryMatcher(options: RetryOptions): RetryLane['accepts'] {
  const { retryOn } = options;
  if (typeof retryOn === 'function') {
    const answer = refusingPromises(retryOn, 'retryOn');
    return (error, category, attempt) => answer(error, { category, attempt });
  }
  if (retryOn !== undefined) return (error) => isInstanceOfAny(error, retryOn);
  const categories: ReadonlySet<ErrorCategory> = new Set(
    options.retryCategories ?? retryDefaults.retryCategories,
  );
  return (_error, category) => categories.has(category);
}

function createRateLimitLane(options: RateLimitOptions): RetryLane {
  const extraClasses = options.rateLimitErrors;
  const accepts: RetryLane['accepts'] = extraClasses
    ? (error) => isRateLimitError(error) || isInstanceOfAny(error, extraClasses)
    : (error) => isRateLimitError(error);
  return createLane('rateLimit', options, rateLimitDefaults, accepts);
}

function createLane(
  name: RetryLane['name'],
  options: BackoffOptions,
  defaults: typeof retryDefaults | typeof rateLimitDefaults,
  accepts: RetryLane['accepts'],
  schedule?: DelaySchedule,
  acceptsResult?: RetryLane['acceptsResult'],
): RetryLane {
  return {
    name,
    maxAttempts: options.maxAttempts ?? defaults.maxAttempts,
    backoff: resolveBackoff(options, defaults, schedule !== undefined),
    respectRetryAfter: options.respectRetryAfter ?? defaults.respectRetryAfter,
    accepts,
    acceptsResult,
    onRetry: options.onRetry,
    onGiveUp: options.onGiveUp,
    schedule,
  };
}

function isInstanceOfAny(error: unknown, classes: readonly ErrorClass[]): boolean {
  for (const errorClass of classes) {
    try {
      if (error instanceof errorClass) return true;
    } catch {
      // A thrown revoked Proxy (or one whose getPrototypeOf trap throws) is no instance of
      // anything; the call must still end with that value, not with instanceof's TypeError.
    }
  }
  return false;
}

function chainClassifiers(classifiers: readonly Classifier[]): (error: unknown) => ErrorCategory {
  if (classifiers.length === 0) return classifyError;
  return (error) => {
    for (const classifier of classifiers) {
      const category = classifier(error);
      if (category === undefined) continue;
      if (isThenable(category)) throw promiseReturnedError('a classifier', category);
      if (!isErrorCategory(category)) {
        throw new TypeError(
          `tenacious: a classifier returned ${describeValue(category)}; expected an ErrorCategory or undefined`,
        );
      }
      return category;
    }
    return classifyError(error);
  };
}
