/** Every example exports a `main` that prints what happens through `print` and resolves when done. */
export type ExampleMain = (print: (line: string) => void) => Promise<void>;

/**
 * Waits `ms` on the global `setTimeout`, unlike `node:timers/promises`: a test that runs an example
 * on jest's fake clock makes this wait pass in virtual time.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
