import type { CaseResult } from './case-result';

/** A goal from the project's issue, and whether this run meets it. Never fails the run. */
export interface TargetResult {
  readonly description: string;
  readonly measured: number | null;
  readonly limit: number;
  readonly met: boolean;
}

const retryCases = {
  async: ['tenacious @Retry async (Stage-3)', 'tenacious @Retry async (legacy)'],
  sync: ['tenacious @Retry sync (Stage-3)', 'tenacious @Retry sync (legacy)'],
} as const;

function target(description: string, measured: number | null, limit: number): TargetResult {
  return {
    description,
    measured,
    limit,
    met: measured !== null && Number.isFinite(measured) && measured <= limit,
  };
}

/**
 * V8 allocates in whole words, so a fraction of a byte per call is the GC profiler's rounding
 * over the batch (a few hundred bytes), not an allocation: 200.15 is 200.
 */
function wholeBytes(bytes: number | null): number | null {
  return bytes === null ? null : Math.round(bytes);
}

export function evaluateTargets(results: readonly CaseResult[]): TargetResult[] {
  const byName = (name: string): CaseResult => {
    const found = results.find((result) => result.name === name);
    if (found === undefined) throw new Error(`no case named "${name}"`);
    return found;
  };
  const peers = results.filter(
    (result) =>
      result.kind === 'async' && result.library !== 'tenacious' && result.library !== 'baseline',
  );
  const bestPeer = peers.reduce((best, peer) =>
    peer.extraNanoseconds < best.extraNanoseconds ? peer : best,
  );
  return [
    ...retryCases.async.map((name) =>
      target(`${name}: time / direct async call <= 1.8`, byName(name).ratio, 1.8),
    ),
    ...retryCases.sync.map((name) =>
      target(`${name}: time / direct sync call <= 1.5`, byName(name).ratio, 1.5),
    ),
    ...retryCases.async.map((name) =>
      target(
        `${name}: extra ns / best peer's extra ns (${bestPeer.name}) <= 0.2`,
        byName(name).extraNanoseconds / bestPeer.extraNanoseconds,
        0.2,
      ),
    ),
    ...[...retryCases.async, ...retryCases.sync].map((name) =>
      target(
        `${name}: heap bytes per call beyond the direct call's <= 200`,
        wholeBytes(byName(name).extraBytesPerCall),
        200,
      ),
    ),
  ];
}
