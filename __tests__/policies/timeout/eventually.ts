import { setTimeout as wait } from 'node:timers/promises';

/**
 * Waits (in real time, 5 ms at a time, at most `limitMs`) until `check()` is true: for what a real
 * server sees a moment after the client acted (a connection's end). Throws when it never is.
 */
export async function eventually(check: () => boolean, limitMs = 5000): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited >= limitMs) throw new Error(`still not true after ${limitMs} ms`);
    await wait(5);
  }
}
