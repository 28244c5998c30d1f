/** A benchmark case: one operation, awaited when it returns a promise. */
export interface BenchCase {
  readonly name: string;
  readonly run: () => unknown;
}

export interface BenchResult {
  readonly name: string;
  /** Median nanoseconds per operation over the rounds. */
  readonly nanosecondsPerOperation: number;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

async function timeBatch(benchCase: BenchCase, operations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let index = 0; index < operations; index++) {
    const value = benchCase.run();
    if (isPromise(value)) await value;
  }
  return Number(process.hrtime.bigint() - start) / operations;
}

/**
 * Runs every case in interleaved rounds (so drift in machine load hits all of them alike) and
 * reports the median of the rounds. Ratios between cases of one run are what to compare; absolute
 * numbers vary from machine to machine.
 */
export async function runCases(cases: readonly BenchCase[], rounds: number, operationsPerRound: number): Promise<BenchResult[]> {
  for (const benchCase of cases) await timeBatch(benchCase, Math.ceil(operationsPerRound / 4)); // warm up the JIT
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, benchCase] of cases.entries()) samples[index].push(await timeBatch(benchCase, operationsPerRound));
  }
  return cases.map((benchCase, index) => ({ name: benchCase.name, nanosecondsPerOperation: median(samples[index]) }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function printResults(title: string, results: readonly BenchResult[]): void {
  const baseline = results[0].nanosecondsPerOperation;
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(44)} ${'ns/op'.padStart(10)} ${'x baseline'.padStart(11)}`);
  for (const result of results) {
    const ratio = result.nanosecondsPerOperation / baseline;
    console.log(`${result.name.padEnd(44)} ${result.nanosecondsPerOperation.toFixed(1).padStart(10)} ${ratio.toFixed(2).padStart(11)}`);
  }
}
