import { GCProfiler, getHeapStatistics } from 'node:v8';
import type { BenchOptions } from './options';
import { median } from './statistics';
import { runCalls, type TimedCase } from './timed-case';

const collectGarbage = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;

export function canMeasureAllocation(): boolean {
  return collectGarbage !== undefined;
}

/**
 * Heap bytes allocated per call: the growth of V8's used heap across a batch, plus what every GC
 * during the batch freed (v8.GCProfiler reports the used heap before and after each one). Node 20
 * has no allocation counter; this sum is one, and it does not depend on whether or when a
 * scavenge happens, so a batch need not fit in the young generation. A scavenge before each batch
 * empties the young generation, so that no garbage made before the batch is counted as freed
 * during it; a scavenge, not a full GC, because a full GC also drops optimised code that only
 * short-lived closures used (the per-call callbacks of several cases), which would then allocate
 * as unoptimised code for a while. Run after the timing, so the code is already optimised; the
 * median of the batches is kept. Needs --expose-gc.
 */
export async function measureAllocation(
  timedCase: TimedCase,
  options: BenchOptions,
): Promise<number> {
  if (collectGarbage === undefined) {
    throw new Error('run node with --expose-gc to measure allocation');
  }
  const samples: number[] = [];
  for (let batch = 0; batch < options.allocationBatches; batch++) {
    collectGarbage({ type: 'minor' });
    const profiler = new GCProfiler();
    profiler.start();
    const before = getHeapStatistics().used_heap_size;
    await runCalls(timedCase, options.allocationCalls);
    const after = getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const { beforeGC, afterGC } of profiler.stop().statistics) {
      freed += usedHeapSize(beforeGC.heapStatistics) - usedHeapSize(afterGC.heapStatistics);
    }
    samples.push((after - before + freed) / options.allocationCalls);
  }
  return median(samples);
}

// @types/node types these as v8.HeapStatistics (snake_case keys); Node 20 reports camelCase ones.
function usedHeapSize(statistics: object): number {
  const { usedHeapSize: camelCase, used_heap_size: snakeCase } = statistics as {
    usedHeapSize?: unknown;
    used_heap_size?: unknown;
  };
  const size = camelCase ?? snakeCase;
  if (typeof size !== 'number') throw new Error('v8.GCProfiler reported no used heap size');
  return size;
}
