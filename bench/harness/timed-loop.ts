import type { CallKind } from './bench-case';

/** Runs `call(0)` ... `call(calls - 1)`, each awaited for async cases; returns the sum (int32). */
export type TimedLoop = (call: (value: number) => Promise<number> | number, calls: number) => Promise<number> | number;

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
 * and go polymorphic; a function compiled from source per case sees only its own.
 */
export function createTimedLoop(kind: CallKind): TimedLoop {
  return kind === 'async' ? new AsyncFunction('call', 'calls', asyncBody) : new SyncFunction('call', 'calls', syncBody);
}

/** What a loop of `calls` calls returns when every call gave `value + 1`. */
export function expectedSink(calls: number): number {
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + index + 1) | 0;
  return sink;
}
