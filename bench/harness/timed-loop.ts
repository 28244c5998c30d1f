import type { CallKind } from './bench-case';

/** Runs `call(0)` ... `call(calls - 1)`, each awaited for async cases; returns the sum (int32). */
export type TimedLoop = (
  call: (value: number) => Promise<number> | number,
  calls: number,
) => Promise<number> | number;

// The results go into a sink that the caller checks, so no call can be optimised away.
const asyncBody = `
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + (await call(index))) | 0;
  return sink;`;
const syncBody = `
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + call(index)) | 0;
  return sink;`;

type LoopConstructor = new (...parameterNamesAndBody: string[]) => TimedLoop;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as LoopConstructor;
const SyncFunction = Function as unknown as LoopConstructor;

/**
 * A new loop function for one case. V8 keeps type feedback per function literal, shared by every
 * closure made from it, so one shared loop (or a factory's closures) would see every case's `call`
 * and go polymorphic; a function compiled from source per case sees only its own. The source must
 * differ per case, hence the case's name in it: V8 caches what `new Function` compiles by its
 * source, feedback included, so loops of the same source shared their feedback all the same.
 */
export function createTimedLoop(kind: CallKind, caseName: string): TimedLoop {
  // JSON.stringify escapes line breaks, so the name cannot end the comment.
  const body = `// ${JSON.stringify(caseName)}${kind === 'async' ? asyncBody : syncBody}`;
  return kind === 'async'
    ? new AsyncFunction('call', 'calls', body)
    : new SyncFunction('call', 'calls', body);
}

/** What a loop of `calls` calls returns when every call gave `value + 1`. */
export function expectedSink(calls: number): number {
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + index + 1) | 0;
  return sink;
}
