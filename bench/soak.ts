// npm run soak [-- --calls 100000 --delay 5000]
// How much memory a call holds while it sleeps between attempts, and whether all of it is given back
// once the calls settle. Starts `--calls` calls of one @Retry method at once; each first attempt
// fails, so every call sleeps `--delay` ms on a real timer. Two rounds:
//   timer: the sleeps run out and the second attempts succeed;
//   abort: each call has its own AbortSignal, and all are aborted at once. (Not one signal shared
//   by all: Node's addEventListener looks for a duplicate among the listeners already there, so
//   N listeners on one signal cost O(N^2): about 8 s for 40,000 on this machine.)
// For each: heap used (after gc) while all calls are pending, minus the baseline, per call; then
// heap after they settled. Per call this counts what a real pending call holds: tenacious's state
// (promises, the retry loop, closures, the timer, the abort listener), the call's two small argument
// objects (kept for the retry) and the caller's `.then`; the error is one shared object. Prints PASS, or FAIL and exits 1 when memory is not released, when a
// call ends the wrong way, or when the calls were not all pending at the reading (delay too short).
// Needs `node --expose-gc` (the npm script passes it).
import { HttpError, Retry } from '../src';

interface SoakOptions {
  readonly calls: number;
  readonly delay: number;
}

export interface RoundReport {
  readonly round: 'timer' | 'abort';
  readonly calls: number;
  /** Calls still pending when the heap was read while they slept. */
  readonly pendingAtReading: number;
  readonly bytesPerPendingRetry: number;
  /** Heap after the calls settled, minus the baseline, in bytes (can be negative). */
  readonly residualBytes: number;
  readonly endedAsExpected: number;
  readonly released: boolean;
}

/** What the `SOAK ` line prints, as JSON: the options, each round, and the verdict. */
export interface SoakReport extends SoakOptions {
  readonly rounds: readonly RoundReport[];
  readonly pass: boolean;
}

/**
 * Memory may be left behind up to 5% of what the pending calls held, plus 1 MiB for the noise of
 * the heap itself; a real leak keeps (nearly) all of it.
 */
const releasedShare = 0.05;
const heapNoiseBytes = 1024 * 1024;

function parseOptions(argv: readonly string[]): SoakOptions {
  const options = { calls: 100_000, delay: 5000 };
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = Number(argv[index + 1]);
    if ((name !== '--calls' && name !== '--delay') || !Number.isInteger(value) || value < 1) {
      throw new TypeError(
        `usage: soak [--calls <integer >= 1>] [--delay <ms, integer >= 1>]; got ${argv.join(' ')}`,
      );
    }
    options[name === '--calls' ? 'calls' : 'delay'] = value;
  }
  return options;
}

/**
 * Heap used after `passes` full collections, with a turn of the event loop between them
 * (finalisers and weak references queued by one pass are collected by the next). A full collection
 * takes tens of ms here (ts-node keeps the TypeScript compiler in the heap): the reading while the
 * calls sleep makes two, so `--delay` must be longer than that.
 */
async function heapUsed(passes: number): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('soak needs node --expose-gc');
  for (let pass = 0; pass < passes; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

/** One error shared by every first attempt, so the numbers are tenacious's own, not N error objects. */
const serviceUnavailable = new HttpError(503);

interface InventoryRequest {
  readonly id: number;
  readonly signal?: AbortSignal;
}

interface Inventory {
  item(request: InventoryRequest, firstAttempt: { failed: boolean }): Promise<string>;
}

/** A service whose method fails its first attempt, then sleeps `delay` ms and succeeds. */
function inventoryWithDelay(delay: number): Inventory {
  class DelayedInventory implements Inventory {
    // No budget: every one of the 100,000 calls must retry once, and be pending in its sleep.
    @Retry({
      maxAttempts: 2,
      initialDelay: delay,
      maxDelay: 600_000,
      jitter: 'none',
      budget: false,
    })
    async item(_request: InventoryRequest, firstAttempt: { failed: boolean }): Promise<string> {
      if (!firstAttempt.failed) {
        firstAttempt.failed = true;
        throw serviceUnavailable;
      }
      return 'in stock';
    }
  }
  return new DelayedInventory();
}

/**
 * Starts the calls without keeping their promises (the callers' awaits are counted, an array of
 * promises would not be tenacious's): a counter and one promise report when all have settled.
 */
function startCalls(
  inventory: Inventory,
  count: number,
  signals: readonly AbortSignal[] | undefined,
  endedAsExpected: (outcome: { readonly fulfilled: boolean; readonly value: unknown }) => boolean,
): { readonly settled: Promise<number>; readonly pending: () => number } {
  let settledCount = 0;
  let expectedCount = 0;
  let allSettled!: (expected: number) => void;
  const settled = new Promise<number>((resolve) => (allSettled = resolve));
  const onSettled = (fulfilled: boolean, value: unknown): void => {
    settledCount += 1;
    if (endedAsExpected({ fulfilled, value })) expectedCount += 1;
    if (settledCount === count) allSettled(expectedCount);
  };
  for (let id = 0; id < count; id++) {
    inventory.item({ id, signal: signals?.[id] }, { failed: false }).then(
      (value) => onSettled(true, value),
      (reason: unknown) => onSettled(false, reason),
    );
  }
  return { settled, pending: () => count - settledCount };
}

async function untilSleeping(count: number, timersBefore: number): Promise<void> {
  // Every first attempt fails within microtasks; a few turns later every call sleeps on its timer.
  for (let turn = 0; turn < 100 && activeTimeouts() < timersBefore + count; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function soakRound(round: RoundReport['round'], options: SoakOptions): Promise<RoundReport> {
  const { calls, delay } = options;
  const inventory = inventoryWithDelay(delay); // made before the baseline: the class is not per call
  const abortReason = new Error('soak: abort round');

  const timersBefore = activeTimeouts();
  const baseline = await heapUsed(4);
  // The callers' controllers count toward the abort round's calls (about 40 bytes each), and are
  // dropped before the last reading.
  let controllers =
    round === 'abort' ? Array.from({ length: calls }, () => new AbortController()) : undefined;
  const signals = controllers?.map((controller) => controller.signal);
  const { settled, pending } = startCalls(
    inventory,
    calls,
    signals,
    round === 'abort'
      ? (outcome) => !outcome.fulfilled && outcome.value === abortReason
      : (outcome) => outcome.fulfilled && outcome.value === 'in stock',
  );
  await untilSleeping(calls, timersBefore);
  const whileSleeping = await heapUsed(2);
  const pendingAtReading = pending();

  for (const controller of controllers ?? []) controller.abort(abortReason);
  const endedAsExpected = await settled;
  // Dropped so that the heap reading below does not count them.
  // eslint-disable-next-line no-useless-assignment
  controllers = undefined;
  signals?.splice(0);
  const afterSettling = await heapUsed(4);

  const held = whileSleeping - baseline;
  const residualBytes = afterSettling - baseline;
  return {
    round,
    calls,
    pendingAtReading,
    bytesPerPendingRetry: Math.round(held / calls),
    residualBytes,
    endedAsExpected,
    released: residualBytes <= Math.max(0, held) * releasedShare + heapNoiseBytes,
  };
}

function formatRound(report: RoundReport): string {
  const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return (
    `${report.round.padEnd(5)}  ${report.bytesPerPendingRetry} bytes per pending retry` +
    ` (${report.pendingAtReading}/${report.calls} pending at the reading)` +
    `; after settling ${megabytes(report.residualBytes)} above the baseline: ${report.released ? 'released' : 'NOT released'}` +
    `; ${report.endedAsExpected}/${report.calls} ended as expected`
  );
}

function passed(report: RoundReport): boolean {
  return (
    report.released &&
    report.pendingAtReading === report.calls &&
    report.endedAsExpected === report.calls
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // A small warm-up round first, so that compiled code and one-time structures are not counted.
  const warmUp = { calls: Math.min(1000, options.calls), delay: 1 };
  await soakRound('timer', warmUp);
  await soakRound('abort', warmUp);

  console.log(
    `soak: ${options.calls} calls at once, each sleeping ${options.delay} ms before its retry (node ${process.version})`,
  );
  const reports: RoundReport[] = [];
  for (const round of ['timer', 'abort'] as const) {
    const report = await soakRound(round, options);
    reports.push(report);
    console.log(formatRound(report));
  }
  const pass = reports.every(passed);
  const report: SoakReport = { ...options, rounds: reports, pass };
  console.log(`SOAK ${JSON.stringify(report)}`);
  console.log(pass ? 'PASS' : 'FAIL');
  if (!pass) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
