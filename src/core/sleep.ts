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
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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
