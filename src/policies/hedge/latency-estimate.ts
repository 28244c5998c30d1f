/** How many recent latencies are kept: a ring of this many numbers, whatever the traffic. */
const sampleCount = 128;
/** A percentile is estimated only from this many latencies on; before, no hedge is made. */
export const minimumSamples = 20;
/** The percentile is computed again after this many new latencies (a sort of at most 128). */
const samplesPerEstimate = 16;

/**
 * A method's recent latencies (of attempts that succeeded), for a hedge delay of 'p90', 'p95' or
 * 'p99': the last 128, in a ring, so memory is constant. The percentile is the nearest-rank one
 * over the ring, recomputed once per 16 new latencies rather than per call.
 */
export class LatencyEstimate {
  readonly #quantile: number;
  readonly #samples = new Float64Array(sampleCount);
  readonly #sorted = new Float64Array(sampleCount);
  #recorded = 0;
  #sinceEstimate = 0;
  #estimate: number | undefined;

  constructor(percentile: number) {
    this.#quantile = percentile / 100;
  }

  record(latency: number): void {
    this.#samples[this.#recorded % sampleCount] = latency;
    this.#recorded += 1;
    this.#sinceEstimate += 1;
  }

  /** The percentile of the recent latencies in ms, or undefined before `minimumSamples`. */
  current(): number | undefined {
    const count = Math.min(this.#recorded, sampleCount);
    if (count < minimumSamples) return undefined;
    if (this.#estimate === undefined || this.#sinceEstimate >= samplesPerEstimate) {
      const sorted = this.#sorted.subarray(0, count);
      sorted.set(this.#samples.subarray(0, count));
      sorted.sort();
      this.#estimate = sorted[Math.min(count - 1, Math.ceil(this.#quantile * count) - 1)];
      this.#sinceEstimate = 0;
    }
    return this.#estimate;
  }
}
