// npm run bench:storm [-- --clients 10,50,100,200 --seed 1 --json]
// Retry storms in simulated time: how many calls N contending clients make, and how long the last
// one takes, with each jitter strategy; how much a full outage multiplies the load with the
// library's defaults; and what a retry budget and a circuit breaker change in a full outage and a
// 50% brownout. Every retry decision is made by the library's own code. See README.md here.
import { parseStormCommand } from './options';
import { runProtectionScenarios, type ProtectionRow } from './protection';
import {
  runOutageScenarios,
  runStormScenarios,
  type OutageRow,
  type StormConfig,
  type StormRow,
} from './scenarios';
import { formatOutageTable, formatProtectionTable, formatStormTable } from './tables';

export interface StormReport {
  readonly config: StormConfig;
  readonly storm: readonly StormRow[];
  readonly outage: readonly OutageRow[];
  readonly protection: readonly ProtectionRow[];
}

export async function createStormReport(config: StormConfig): Promise<StormReport> {
  return {
    config,
    storm: runStormScenarios(config),
    outage: runOutageScenarios(config),
    protection: await runProtectionScenarios(config),
  };
}

/** Runs the simulator for the command-line arguments; resolves to what `npm run bench:storm` prints. */
export async function runStormBench(argv: readonly string[]): Promise<string> {
  const { config, json } = parseStormCommand(argv);
  const report = await createStormReport(config);
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  return [
    formatStormTable(config, report.storm),
    formatOutageTable(config, report.outage),
    formatProtectionTable(config, report.protection),
  ]
    .join('\n\n')
    .concat('\n');
}

if (require.main === module) {
  runStormBench(process.argv.slice(2)).then(
    (output) => process.stdout.write(output),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
