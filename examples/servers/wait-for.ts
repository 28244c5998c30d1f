import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `condition()` holds, checking every 10 ms, for at most `limitMs`: a server hears
 * that a client closed its connection a moment after the client did.
 */
export async function waitFor(condition: () => boolean, limitMs: number): Promise<void> {
  for (let waited = 0; !condition() && waited < limitMs; waited += 10) await sleep(10);
}
