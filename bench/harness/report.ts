import type { CaseResult } from './case-result';
import type { Environment } from './environment';
import type { BenchOptions } from './options';
import type { TargetResult } from './targets';

/** Everything a run produced: the JSON written to bench/results/overhead.json. */
export interface BenchReport {
  readonly generatedAt: string;
  readonly environment: Environment;
  readonly options: Omit<BenchOptions, 'json' | 'outputFile'>;
  readonly decoratorModes: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly results: readonly CaseResult[];
  readonly targets: readonly TargetResult[];
}

const columns = ['case', 'ns/call', 'extra ns', 'x direct', 'spread', 'B/call', 'extra B'] as const;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function resultRow(result: CaseResult): string {
  return row([
    result.name,
    fixed(result.nanosecondsPerCall, 1),
    fixed(result.extraNanoseconds, 1),
    fixed(result.ratio, 2),
    `${(result.spread * 100).toFixed(1)}%`,
    fixed(result.bytesPerCall, 0),
    fixed(result.extraBytesPerCall, 0),
  ]);
}

/** The table as Markdown, so a run's output can be pasted into bench/README.md as it is. */
export function formatReport(report: BenchReport): string {
  const { environment, options } = report;
  const lines = [
    `Node ${environment.node} (V8 ${environment.v8}), ${environment.platform}, ${environment.cpuCount} x ${environment.cpu}`,
    `load average (1 min): ${environment.loadAverageAtStart.toFixed(2)} at start, ${environment.loadAverageAtEnd.toFixed(2)} at end`,
    `${options.rounds} rounds (median) after ${options.warmupRounds} warm-up, ${options.calls} calls per case per round, seed ${options.seed}; ` +
      `allocation: median of ${options.allocationBatches} batches of ${options.allocationCalls} calls`,
    `decorators compiled as: bench/tsconfig.json ${report.decoratorModes.standardBuild}, bench/tsconfig.legacy.json ${report.decoratorModes.legacyBuild}`,
    '',
    row([...columns]),
    row(columns.map((_, index) => (index === 0 ? '---' : '---:'))),
  ];
  for (const kind of ['async', 'sync'] as const) {
    for (const result of report.results) if (result.kind === kind) lines.push(resultRow(result));
  }
  lines.push('', 'Targets:');
  for (const target of report.targets) {
    lines.push(
      `- ${target.met ? 'PASS' : 'MISS'} ${target.description}: ${fixed(target.measured, 2)}`,
    );
  }
  return lines.join('\n');
}
