import type { JitterStrategy } from '../policy/options';

/** Backoff settings after defaults and validation: what the retry path reads on every failure. */
export interface ResolvedBackoff {
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly exponentialBase: number;
  readonly jitter: JitterStrategy;
  /** Source of randomness in [0, 1). */
  readonly random: () => number;
}

/**
 * Turns the exponential base delay of an attempt into the delay to sleep. `previousDelay` is the
 * delay chosen after the previous failure (only 'decorrelated' uses it).
 */
export type JitterFunction = (
  base: number,
  backoff: ResolvedBackoff,
  previousDelay: number,
) => number;

/** A uniform draw from [min, max). */
export function uniform(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

/** U(0, base): the widest spread, so that many clients retrying together stop colliding. */
export const fullJitter: JitterFunction = (base, backoff) => uniform(backoff.random, 0, base);

/** base/2 + U(0, base/2): never less than half the base delay. */
export const equalJitter: JitterFunction = (base, backoff) =>
  uniform(backoff.random, base / 2, base);

/** base * (0.5 + U(0, 1)), capped at maxDelay: within ±50 % of the base delay. */
export const proportionalJitter: JitterFunction = (base, backoff) =>
  Math.min(base * (0.5 + backoff.random()), backoff.maxDelay);

/**
 * min(maxDelay, U(initialDelay, previous * 3)), as in AWS's "Exponential Backoff and Jitter":
 * each delay grows from the previous one, not from the attempt number.
 */
export const decorrelatedJitter: JitterFunction = (_base, backoff, previousDelay) =>
  Math.min(backoff.maxDelay, uniform(backoff.random, backoff.initialDelay, previousDelay * 3));

/** The base delay itself. */
export const noJitter: JitterFunction = (base) => base;

export const jitterFunctions: Readonly<Record<JitterStrategy, JitterFunction>> = {
  full: fullJitter,
  equal: equalJitter,
  proportional: proportionalJitter,
  decorrelated: decorrelatedJitter,
  none: noJitter,
};
