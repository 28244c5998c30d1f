/**
 * The rate of an adaptive limiter (`adaptive: true`), in units per second: the CUBIC rule of the
 * AWS SDK v3's adaptive retry mode, `DefaultRateLimiter` in `@smithy/util-retry` (today in
 * `@smithy/core`, submodules/retry/util-retry/DefaultRateLimiter.ts), with its constants. When the
 * dependency throttles, the rate falls to `beta` (0.7) times the rate in force, and the rate then
 * was remembered as `lastMaxRate`; from there it follows
 *
 *   rate(t) = scaleConstant * (t - timeWindow)^3 + lastMaxRate,
 *   timeWindow = cbrt(lastMaxRate * (1 - beta) / scaleConstant),
 *
 * t in seconds since that throttle: it climbs quickly at first, levels off around `lastMaxRate`
 * (where the dependency pushed back before), then probes beyond it, up to the configured rate.
 *
 * Three differences, each because tenacious refuses an attempt whose turn is too far away, where
 * the SDK's limiter always waits: the curve is read from the clock whenever the limiter decides (the
 * SDK moves it only when a response arrives, but refused attempts bring no responses, and a rate
 * stuck low would refuse every attempt for good); there is no cap at twice the measured sending
 * rate (the configured `limit` is the ceiling instead); and a throttled attempt lowers the rate only
 * when it started after the last decrease (as TCP's congestion control reacts once per round trip),
 * so that a burst of throttled responses to attempts sent together counts as one push-back, not
 * one decrease each.
 */
export class AdaptiveRate {
  static readonly beta = 0.7;
  static readonly scaleConstant = 0.4;
  /** The SDK's `minFillRate`, units per second: the rate never falls below it (nor above `maxRate`). */
  static readonly minimumRate = 0.5;

  readonly #maxRate: number;
  readonly #minRate: number;
  #throttled = false;
  #lastMaxRate = 0;
  #timeWindow = 0;
  /** Clock time (ms) of the last decrease. */
  #lastThrottleTime = 0;
  #throttles = 0;

  /** `maxRate`: the configured rate, in units per second. */
  constructor(maxRate: number) {
    this.#maxRate = maxRate;
    this.#minRate = Math.min(AdaptiveRate.minimumRate, maxRate);
  }

  /** The rate in force at `now` (ms), in units per second. */
  rateAt(now: number): number {
    if (!this.#throttled) return this.#maxRate;
    const seconds = (now - this.#lastThrottleTime) / 1000;
    const cubic =
      AdaptiveRate.scaleConstant * (seconds - this.#timeWindow) ** 3 + this.#lastMaxRate;
    return Math.min(this.#maxRate, Math.max(this.#minRate, cubic));
  }

  /**
   * The dependency throttled an attempt that started at `attemptStartedAt` (ms); true when that
   * lowered the rate, false when the rate was already lowered after the attempt started.
   */
  throttled(now: number, attemptStartedAt: number): boolean {
    if (this.#throttled && attemptStartedAt < this.#lastThrottleTime) return false;
    const rateToUse = this.rateAt(now);
    this.#lastMaxRate = rateToUse;
    this.#timeWindow = Math.cbrt(
      (rateToUse * (1 - AdaptiveRate.beta)) / AdaptiveRate.scaleConstant,
    );
    // The curve starts at lastMaxRate * beta: rate(0) = lastMaxRate - scaleConstant * timeWindow^3.
    this.#lastThrottleTime = now;
    this.#throttled = true;
    this.#throttles += 1;
    return true;
  }

  /** How many times the rate was lowered. */
  get decreases(): number {
    return this.#throttles;
  }
}
