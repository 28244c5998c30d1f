/** How many buckets a window is kept in. */
const windowBuckets = 10;

/**
 * Counts of a few kinds of event (series) over a sliding window: a fixed ring of 10 buckets of
 * `window / 10` ms, aligned on the wall clock, so that two windows of one width (a fleet budget's
 * local and fleet counts) drop their events together. An event leaves at the first bucket boundary
 * that is at least `window - window / 10` ms after its time, never later than `window` ms after
 * it. Constant memory; nothing allocated per event.
 */
export class BucketedWindow {
  readonly #bucketWidth: number;
  // Per slot: the bucket's number (time divided by the width; NaN when unused); then the counts,
  // series after series (series s, slot i at s x 10 + i).
  readonly #bucketNumbers = new Float64Array(windowBuckets).fill(Number.NaN);
  readonly #counts: Float64Array;

  constructor(window: number, series: number) {
    this.#bucketWidth = window / windowBuckets;
    this.#counts = new Float64Array(series * windowBuckets);
  }

  /** Adds `amount` to `series` in the bucket of `time`. */
  add(series: number, amount: number, time: number): void {
    const bucket = Math.floor(time / this.#bucketWidth);
    const slot = slotOf(bucket);
    if (this.#bucketNumbers[slot] !== bucket) this.#empty(slot, bucket);
    this.#counts[series * windowBuckets + slot] += amount;
  }

  /** The count of `series` in the window at `time`. */
  sum(series: number, time: number): number {
    const counts = this.#counts;
    const first = series * windowBuckets;
    const current = Math.floor(time / this.#bucketWidth);
    let total = 0;
    for (let slot = 0; slot < windowBuckets; slot += 1) {
      const bucket = this.#bucketNumbers[slot];
      if (bucket > current - windowBuckets && bucket <= current) total += counts[first + slot];
    }
    return total;
  }

  /**
   * Takes one event of `series` back from the newest bucket in the window at `time` that holds
   * one (an event taken back a bucket or more after it was counted); false when none does.
   */
  takeNewest(series: number, time: number): boolean {
    const counts = this.#counts;
    const first = series * windowBuckets;
    const current = Math.floor(time / this.#bucketWidth);
    for (let bucket = current; bucket > current - windowBuckets; bucket -= 1) {
      const slot = slotOf(bucket);
      if (this.#bucketNumbers[slot] !== bucket || counts[first + slot] <= 0) continue;
      counts[first + slot] -= 1;
      return true;
    }
    return false;
  }

  /** Starts `slot` afresh for `bucket`, the older bucket it held having left the window. */
  #empty(slot: number, bucket: number): void {
    this.#bucketNumbers[slot] = bucket;
    const counts = this.#counts;
    for (let index = slot; index < counts.length; index += windowBuckets) counts[index] = 0;
  }
}

function slotOf(bucket: number): number {
  return ((bucket % windowBuckets) + windowBuckets) % windowBuckets;
}
