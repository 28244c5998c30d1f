import {
  outOfRange,
  readFunction,
  readNumber,
  takeOptionSnapshot,
  wrongType,
} from '../option-snapshot';

/** Options of `@RateLimit` and `new RateLimiter(options)`. All durations are in milliseconds. */
export interface RateLimiterOptions {
  /**
   * At most this many units (calls, or what `cost` weighs them at) per `interval`; a finite
   * number >= 1, or > 0 when `cost` is given (a call costs 1 without it, so a smaller limit
   * would let none through). It is also the burst: after a quiet spell, `limit` units may pass
   * at once.
   */
  limit: number;
  /** The period `limit` is counted over, in ms; > 0 and <= 2147483647. */
  interval: number;
  /**
   * How long an attempt may wait for its turn, in ms (0 to 2147483647); an attempt whose turn is
   * further away fails fast with `RateLimitExceededError`. The call's `deadline` bounds it too, and
   * an abort of the call's signal ends the wait at once.
   * @default interval
   */
  maxWait?: number;
  /**
   * What one call weighs, from its arguments (estimated tokens, for a tokens-per-minute quota);
   * asked once per call, and every attempt of the call (retries, hedges) costs that much. It must
   * return a finite number >= 0 and <= `limit`. Declared as a method so that a function typed for
   * one argument list, `([input]: [ConverseCommandInput]) => ...`, fits.
   * @default undefined (every call costs 1)
   */
  cost?(args: readonly unknown[]): number;
  /**
   * Lowers the rate when the dependency throttles (an attempt fails with a rate-limit error:
   * `isRateLimitError`, or one of the method's `rateLimitErrors`) and raises it again, up to
   * `limit` per `interval`, as attempts succeed: the CUBIC rule of the AWS SDK's adaptive retry
   * mode (rate-limiter.ts).
   * @default false
   */
  adaptive?: boolean;
}

/** `RateLimiterOptions` with every default filled in, as a limiter keeps them. */
export interface ResolvedRateLimiterOptions {
  readonly limit: number;
  readonly interval: number;
  readonly maxWait: number;
  readonly cost: ((args: readonly unknown[]) => number) | undefined;
  readonly adaptive: boolean;
}

const knownOptions: ReadonlySet<string> = new Set([
  'limit',
  'interval',
  'maxWait',
  'cost',
  'adaptive',
]);

// setTimeout fires at once (with a TimeoutOverflowWarning) for anything longer, about 24.8 days.
const longestTimer = 2_147_483_647;
const positive = { min: 0, exclusiveMin: true } as const;

/**
 * Checks rate-limiter options and returns them resolved and frozen. Throws a TypeError or
 * RangeError that names the option and the value, prefixed with `source`.
 */
export function validateRateLimiterOptions(
  options: unknown,
  source: string,
): ResolvedRateLimiterOptions {
  if (options === undefined) {
    throw new TypeError(`${source}: options { limit, interval } are required`);
  }
  const given = takeOptionSnapshot(options, source, knownOptions);
  for (const required of ['limit', 'interval']) {
    if (!(required in given)) {
      throw new TypeError(`${source}: option "${required}" is required`);
    }
  }
  const limit = readNumber(source, 'limit', given.limit, positive);
  const interval = readNumber(source, 'interval', given.interval, {
    ...positive,
    max: longestTimer,
  });
  const maxWait =
    'maxWait' in given
      ? readNumber(source, 'maxWait', given.maxWait, { min: 0, max: longestTimer })
      : interval;
  let adaptive = false;
  if ('adaptive' in given) {
    if (typeof given.adaptive !== 'boolean') {
      throw wrongType(source, 'adaptive', 'true or false', given.adaptive);
    }
    adaptive = given.adaptive;
  }
  const cost =
    'cost' in given
      ? readFunction<ResolvedRateLimiterOptions['cost']>(source, 'cost', given.cost)
      : undefined;
  // Without `cost` every call costs 1, more than such a limit: no call could ever pass. With one,
  // a limit below 1 is kept (calls weighed at most `limit` pass); `cost` is checked per call.
  if (cost === undefined && limit < 1) {
    throw outOfRange(source, 'limit', '>= 1 (what a call costs when no "cost" is given)', limit);
  }
  return Object.freeze({ limit, interval, maxWait, cost, adaptive });
}
