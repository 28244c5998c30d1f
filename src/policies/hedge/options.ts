import { describeValue } from '../../policy/describe-value';
import { readNumber, takeOptionSnapshot, wrongType } from '../option-snapshot';

/** A percentile of the method's recent latencies, as a hedge delay. */
export type LatencyPercentile = 'p90' | 'p95' | 'p99';

/** Options of `@Hedge` and of the `hedge` option. */
export interface HedgeOptions {
  /**
   * How long an attempt may run before another starts beside it: ms (>= 0), or a percentile of
   * the method's recent latencies ('p90', 'p95', 'p99'); with a percentile no hedge is made until
   * 20 attempts have succeeded (the estimate needs them).
   */
  readonly delay: number | LatencyPercentile;
  /**
   * How many attempts may start beside the first, one per `delay`; an integer from 1 to 10.
   * @default 1
   */
  readonly maxHedges?: number;
}

export interface ResolvedHedgeOptions {
  readonly delay: number | LatencyPercentile;
  readonly maxHedges: number;
}

const knownOptions: ReadonlySet<string> = new Set(['delay', 'maxHedges']);
const percentiles: ReadonlySet<unknown> = new Set(['p90', 'p95', 'p99']);
const longestTimer = 2_147_483_647;

/** Checks hedge options where they are given; throws naming the option and the value. */
export function validateHedgeOptions(value: unknown, source: string): ResolvedHedgeOptions {
  const snapshot = takeOptionSnapshot(value, source, knownOptions);
  const { delay } = snapshot;
  if (delay === undefined) {
    throw new TypeError(
      `${source}: option "delay" is required (ms, or 'p90', 'p95', 'p99'), got ${describeValue(delay)}`,
    );
  }
  if (typeof delay === 'string' && !percentiles.has(delay)) {
    throw wrongType(source, 'delay', `a number of ms or one of 'p90', 'p95', 'p99'`, delay);
  }
  if (typeof delay !== 'string') {
    readNumber(source, 'delay', delay, { min: 0, max: longestTimer });
  }
  const maxHedges =
    snapshot.maxHedges === undefined
      ? 1
      : readNumber(source, 'maxHedges', snapshot.maxHedges, { min: 1, max: 10, integer: true });
  return Object.freeze({ delay: delay as number | LatencyPercentile, maxHedges });
}
