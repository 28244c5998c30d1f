import { statisticsKey, type RateLimiterStats } from '../../telemetry/statistics';
import { now } from '../clock';
import { AdaptiveRate } from './adaptive-rate';
import {
  validateRateLimiterOptions,
  type RateLimiterOptions,
  type ResolvedRateLimiterOptions,
} from './options';

/**
 * Marks a rate limiter, on its prototype. `Symbol.for`, so that a limiter made by a second copy of
 * the package, or a fleet-wide one (issue 15: `RedisRateLimiter`), is accepted where a
 * `RateLimiter` is.
 */
const rateLimiterBrand: unique symbol = Symbol.for('tenacious.rate-limiter') as never;

/** Whether `value` is a rate limiter: this package's, one from another copy, or a lookalike. */
export function isRateLimiter(value: unknown): value is RateLimiter {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as { [rateLimiterBrand]?: unknown })[rateLimiterBrand] === true;
  } catch {
    return false;
  }
}

/**
 * What a `tryAcquire` that granted units with a wait took, for `release` to give back exactly
 * that: the rate in force may have changed meanwhile (`adaptive`), and a fleet limiter may have
 * switched between the fleet's state and its local fallback.
 */
export interface RateLimitGrant {
  /** The limiter whose state the units were taken from. */
  readonly takenFrom: RateLimiter;
  /** How much was taken, in that limiter's measure (`RateLimiter`: ms of its arrival time). */
  readonly taken: number;
}

// A wait this small is float noise from summing emission intervals, not a turn to wait for.
const negligibleWait = 1e-6;

/**
 * At most `limit` units per `interval` ms, by GCRA (the generic cell rate algorithm): each unit
 * is due `interval / limit` ms after the one before it (the emission interval), and a unit may
 * go up to `interval` ms ahead of its due time, which is the burst: after a quiet spell, `limit`
 * units pass at once. So over any span of `t` ms at most `limit + limit * t / interval` units
 * pass (`2 * limit` in any one interval, right after a quiet spell), and `limit` per interval in
 * the long run. The state is one number, the theoretical arrival time: when every unit granted so
 * far is paid for.
 *
 * Share one limiter between methods (or classes) that draw on one quota: `@RateLimit(limiter)`, or
 * `rateLimiter: limiter` in `@RetryDefaults`, `withRetry` and `retryable`.
 *
 * The decision is `tryAcquire` (and `lastGrant`, `release`, `recordThrottle`): a fleet-wide limiter
 * (issue 15) subclasses this and overrides them to keep the state elsewhere; the pipeline (waiting,
 * the deadline, aborts, `cost`, telemetry) is the same for both.
 */
export class RateLimiter {
  /** The options, validated, with defaults filled in. */
  readonly options: ResolvedRateLimiterOptions;
  /** Clock time (ms) at which every unit granted so far is paid for. */
  #theoreticalArrival = -Infinity;
  // What the last grant with a wait took (ms of arrival time); NaN before the first. A number, not
  // a grant object: made in `tryAcquire`, the object cost calls with no wait 80 instructions each
  // on Node 24 (a larger function to inline); `lastGrant` makes it when it is asked for.
  #lastGrantSpan = Number.NaN;
  readonly #adaptive: AdaptiveRate | undefined;
  #granted = 0;
  #waited = 0;
  #rejections = 0;
  #throttles = 0;

  constructor(options: RateLimiterOptions) {
    // Errors name the class the caller constructed (`RedisRateLimiter` too).
    this.options = validateRateLimiterOptions(options, `new ${new.target.name || 'RateLimiter'}`);
    const { limit, interval, adaptive } = this.options;
    this.#adaptive = adaptive ? new AdaptiveRate((limit / interval) * 1000) : undefined;
  }

  /**
   * Asks for `cost` units (0 to `limit`) at clock time `now` (ms), waiting at most `maxWait` ms.
   * Returns the wait, in ms, before the units may be used: 0 for at once. When the wait is at most
   * `maxWait` the units are granted (reserved for the end of the wait); when it is longer, nothing
   * is granted, and the wait returned is how long until they would be granted at once.
   */
  tryAcquire(cost: number, maxWait: number, now: number): number {
    if (cost === 0) return 0;
    const { interval } = this.options;
    const span = cost * this.#emissionInterval(now);
    const arrival = Math.max(this.#theoreticalArrival, now) + span;
    let wait = arrival - interval - now;
    if (wait < negligibleWait) wait = 0;
    if (wait > maxWait) {
      this.#rejections += 1;
      return wait;
    }
    this.#theoreticalArrival = arrival;
    this.#granted += 1;
    if (wait > 0) {
      this.#waited += 1;
      this.#lastGrantSpan = span;
    }
    return wait;
  }

  /**
   * The grant of the last `tryAcquire` that granted units with a wait: read it right after that
   * call, and pass it to `release` if the units go unused.
   */
  get lastGrant(): RateLimitGrant | undefined {
    const taken = this.#lastGrantSpan;
    return Number.isNaN(taken) ? undefined : { takenFrom: this, taken };
  }

  /**
   * Gives back `cost` units that `tryAcquire` granted but that were never used (the call was
   * aborted while it waited for them), so that the attempts behind it move up: exactly what
   * `grant` took, or (without it) `cost` units at the rate in force at `now`.
   */
  release(cost: number, now: number, grant?: RateLimitGrant): void {
    if (cost === 0) return;
    this.#theoreticalArrival -=
      grant?.takenFrom === this ? grant.taken : cost * this.#emissionInterval(now);
    this.#granted -= 1;
  }

  /**
   * With `adaptive: true`: the dependency throttled an attempt this limiter let through, which
   * started at `attemptStartedAt` (ms); the rate falls (adaptive-rate.ts). Ignored otherwise.
   */
  recordThrottle(now: number, attemptStartedAt: number): void {
    if (this.#adaptive === undefined) return;
    this.#throttles += 1;
    this.#adaptive.throttled(now, attemptStartedAt);
  }

  /** The units per `interval` in force now: `limit`, or less while `adaptive` has lowered it. */
  get rate(): number {
    return this.options.interval / this.#emissionInterval(now());
  }

  /** Milliseconds per unit at `now`. */
  #emissionInterval(now: number): number {
    const { limit, interval } = this.options;
    return this.#adaptive === undefined ? interval / limit : 1000 / this.#adaptive.rateAt(now);
  }

  [statisticsKey](): RateLimiterStats {
    return {
      granted: this.#granted,
      waited: this.#waited,
      rejections: this.#rejections,
      throttles: this.#throttles,
      decreases: this.#adaptive?.decreases ?? 0,
      rate: this.rate,
    };
  }
}

Object.defineProperty(RateLimiter.prototype, rateLimiterBrand, { value: true });
