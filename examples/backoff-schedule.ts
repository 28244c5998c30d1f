// The backoff schedule of each jitter strategy for attempts 1..6, computed with
// calculateBackoffDelay and the default options (initialDelay 1000, exponentialBase 2, maxDelay
// 60000). Randomness is injected from a seeded generator, so the output is the same on every run.
// Run it: npm run example -- backoff-schedule
import { calculateBackoffDelay, type JitterStrategy } from '../src';
import type { ExampleMain } from './example';

const strategies: readonly JitterStrategy[] = [
  'none',
  'full',
  'equal',
  'proportional',
  'decorrelated',
];
const attempts = [1, 2, 3, 4, 5, 6];

/** mulberry32: a tiny deterministic generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function schedule(jitter: JitterStrategy, seed: number): number[] {
  const random = seededRandom(seed);
  const delays: number[] = [];
  // 'decorrelated' grows from the delay chosen before, so each step is handed the previous one.
  let previousDelay: number | undefined;
  for (const attempt of attempts) {
    const delay = calculateBackoffDelay(attempt, { jitter, random, previousDelay });
    delays.push(delay);
    previousDelay = delay;
  }
  return delays;
}

const row = (label: string, cells: readonly (number | string)[]): string =>
  `${label.padEnd(13)}${cells.map((cell) => String(cell).padStart(7)).join('')}`;

export const main: ExampleMain = async (print) => {
  const seed = 42;
  print(`delay in ms after attempt n fails (seed ${seed})`);
  print(row('attempt', attempts));
  for (const jitter of strategies) print(row(jitter, schedule(jitter, seed)));

  const reproducible = strategies.every(
    (jitter) => schedule(jitter, seed).join() === schedule(jitter, seed).join(),
  );
  print(`the same seed gives the same schedule: ${reproducible}`);
};
