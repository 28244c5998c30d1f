// The only module that waits. Everything that retries sleeps through these two functions.

/**
 * Resolves after `ms`; an abort rejects at once with the signal's reason and clears the timer, so
 * nothing is left scheduled after a call settles or is aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  // Node clamps setTimeout(0) to 1 ms; an immediate retry needs no timer at all.
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const wake = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      if (signal !== undefined) stopWaking(signal, wake);
      resolve();
    }, ms);
    if (signal !== undefined) wakeOnAbort(signal, wake);
  });
}

/**
 * The sleeps each signal ends when it aborts, behind one 'abort' listener per signal rather than
 * one per sleep: Node's addEventListener scans a signal's listeners for a duplicate, so 100,000
 * calls sleeping on one shared signal would take minutes to start (and warn past 10 listeners).
 */
interface SignalSleepers {
  readonly wakes: Set<() => void>;
  readonly onAbort: () => void;
}

const sleepersBySignal = new WeakMap<AbortSignal, SignalSleepers>();

export function wakeOnAbort(signal: AbortSignal, wake: () => void): void {
  let sleepers = sleepersBySignal.get(signal);
  if (sleepers === undefined) {
    const wakes = new Set<() => void>();
    const onAbort = (): void => {
      sleepersBySignal.delete(signal);
      for (const wakeOne of wakes) wakeOne();
    };
    sleepers = { wakes, onAbort };
    sleepersBySignal.set(signal, sleepers);
    signal.addEventListener('abort', onAbort, { once: true });
  }
  sleepers.wakes.add(wake);
}

/** Forgets a sleep that ended; the last one to leave removes the listener, so none is left behind. */
export function stopWaking(signal: AbortSignal, wake: () => void): void {
  const sleepers = sleepersBySignal.get(signal);
  if (sleepers === undefined) return;
  sleepers.wakes.delete(wake);
  if (sleepers.wakes.size > 0) return;
  sleepersBySignal.delete(signal);
  signal.removeEventListener('abort', sleepers.onAbort);
}

let blockingCell: Int32Array | undefined;

/**
 * Blocks the thread for `ms`: a synchronous method must stay synchronous, so its retries cannot
 * yield to the event loop. An already-aborted signal throws its reason instead of sleeping; an
 * abort during the block cannot be observed.
 */
export function sleepSynchronously(ms: number, signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason;
  if (ms <= 0) return;
  blockingCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(blockingCell, 0, 0, ms);
}
