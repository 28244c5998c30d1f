// npm run bench:storm [-- --clients 10,50,100,200 --seed 1 --json]
// Retry storms in simulated time: how many calls N contending clients make, and how long the last
// one takes, with each jitter strategy; and how much a full outage multiplies the load with the
// library's defaults. Every retry decision is made by the library's own code. See README.md here.
import { parseStormCommand } from './options';
import {
  runOutageScenarios,
  runStormScenarios,
  type OutageRow,
  type StormConfig,
  type StormRow,
} from './scenarios';
import { formatOutageTable, formatStormTable } from './tables';

export interface StormReport {
  readonly config: StormConfig;
  readonly storm: readonly StormRow[];
  readonly outage: readonly OutageRow[];
}

export function createStormReport(config: StormConfig): StormReport {
  return { config, storm: runStormScenarios(config), outage: runOutageScenarios(config) };
}

/** Runs the simulator for the command-line arguments; returns what `npm run bench:storm` prints. */
export function runStormBench(argv: readonly string[]): string {
  const { config, json } = parseStormCommand(argv);
  const report = createStormReport(config);
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  return `${formatStormTable(config, report.storm)}\n\n${formatOutageTable(config, report.outage)}\n`;
}

if (require.main === module) {
  try {
    process.stdout.write(runStormBench(process.argv.slice(2)));
  } catch (error: unknown) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
