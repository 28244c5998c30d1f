import type { BenchCase, DecoratorMode } from './bench-case';
import { createTimedLoop, expectedSink, type TimedLoop } from './timed-loop';

/** A case ready to run: its own loop, and the mode its module's decorators were compiled in. */
export interface TimedCase {
  readonly benchCase: BenchCase;
  readonly decoratorMode: DecoratorMode;
  readonly loop: TimedLoop;
}

export function prepareCase(benchCase: BenchCase, decoratorMode: DecoratorMode): TimedCase {
  return { benchCase, decoratorMode, loop: createTimedLoop(benchCase.kind, benchCase.name) };
}

const sinks = new Map<number, number>();

/** Runs `calls` calls of the case; throws unless every call returned `value + 1`. */
export async function runCalls(timedCase: TimedCase, calls: number): Promise<void> {
  checkSink(timedCase, calls, await timedCase.loop(timedCase.benchCase.call, calls));
}

/** Runs `calls` calls of the case and returns the nanoseconds per call. */
export async function timeCalls(timedCase: TimedCase, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  const result = timedCase.loop(timedCase.benchCase.call, calls);
  // A sync loop's clock stops before anything is awaited.
  const sink = typeof result === 'number' ? result : await result;
  const elapsed = process.hrtime.bigint() - start;
  checkSink(timedCase, calls, sink);
  return Number(elapsed) / calls;
}

function checkSink(timedCase: TimedCase, calls: number, sink: number): void {
  let expected = sinks.get(calls);
  if (expected === undefined) sinks.set(calls, (expected = expectedSink(calls)));
  if (sink !== expected) {
    throw new Error(
      `${timedCase.benchCase.name}: the calls returned a sum of ${sink}, expected ${expected}: it did not do the same work`,
    );
  }
}
