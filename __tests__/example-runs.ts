import { setTimeout as realSleep } from 'node:timers/promises';
import type { ExampleMain } from '../examples/example';

/**
 * Examples whose outcome depends on when their calls are made (a rate limit counts turns from the
 * clock): `examples-on-fake-clock.test.ts` runs them on jest's fake clock, where the calls made at
 * once are made at the same instant however loaded the machine is; `examples.test.ts` the others.
 */
export const examplesOnFakeClock: ReadonlySet<string> = new Set(['rate-limit']);

/**
 * Virtual milliseconds per step; each step first lets a real millisecond pass for the sockets. At
 * most 25 virtual ms per real one, a request in flight would need 12 real seconds to reach undici's
 * 300 s headers timeout.
 */
const step = 25;

/**
 * Runs `main` with jest's fake timers installed (by the caller, before the example's first
 * request), moving virtual time on in steps until it ends, so that its waits cost no real time.
 * Virtual time moves on while real I/O is under way too: the examples run here decide nothing from
 * how long a request takes.
 */
export async function runOnFakeClock(main: ExampleMain): Promise<string[]> {
  const printed: string[] = [];
  let ended = false;
  const run = main((line) => printed.push(line)).finally(() => {
    ended = true;
  });
  while (!ended) {
    await realSleep(1);
    await jest.advanceTimersByTimeAsync(step);
  }
  await run;
  return printed;
}
