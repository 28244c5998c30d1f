import type { BenchOptions } from './options';
import { seededRandom, shuffled } from './seeded-shuffle';
import { timeCalls, type TimedCase } from './timed-case';

const collectGarbage = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;

/** Nanoseconds per call of each case, one sample per timed round. */
export type TimeSamples = Map<TimedCase, number[]>;

/**
 * Runs every case in interleaved rounds, in a new seeded order each round, so that drift in the
 * machine's load falls on all cases alike. With --expose-gc, a scavenge before each batch clears
 * what the previous case left in the young generation, which otherwise makes the next case's
 * first scavenge several times dearer (a short batch, like the direct call's, can double). Not a
 * full GC: that also drops the optimised code of closures made per call (the callbacks given to
 * withRetry, cockatiel and p-retry), and those cases would warm up again every round.
 */
export async function measureTime(
  cases: readonly TimedCase[],
  options: BenchOptions,
): Promise<TimeSamples> {
  const random = seededRandom(options.seed);
  const samples: TimeSamples = new Map(cases.map((timedCase) => [timedCase, []]));
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const timed = round >= options.warmupRounds;
    for (const timedCase of shuffled(cases, random)) {
      collectGarbage?.({ type: 'minor' });
      const nanosecondsPerCall = await timeCalls(timedCase, options.calls);
      if (timed) samples.get(timedCase)!.push(nanosecondsPerCall);
    }
  }
  return samples;
}
