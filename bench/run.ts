// npm run bench [-- --rounds 15 --calls 100000 --json --out bench/results/overhead.json]
// The overhead of retry wrappers on a call that succeeds first time (the common case): the same
// empty method called directly, through tenacious and through its peers. bench/README.md explains
// the method; `npm run bench -- --help` lists the options.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import { summarise } from './harness/case-result';
import { describeEnvironment } from './harness/environment';
import { loadCases } from './harness/load-cases';
import { canMeasureAllocation, measureAllocation } from './harness/measure-allocation';
import { measureTime } from './harness/measure-time';
import { parseOptions, usage } from './harness/options';
import { formatReport, type BenchReport } from './harness/report';
import { evaluateTargets } from './harness/targets';
import type { TimedCase } from './harness/timed-case';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(usage);
    return;
  }
  const { json, outputFile, ...options } = parseOptions(process.argv.slice(2));
  const environment = describeEnvironment();
  const { cases, standardMode, legacyMode } = await loadCases();

  const samples = await measureTime(cases, { ...options, json, outputFile });
  const bytes = new Map<TimedCase, number>();
  if (canMeasureAllocation()) {
    for (const timedCase of cases) {
      bytes.set(timedCase, await measureAllocation(timedCase, { ...options, json, outputFile }));
    }
  } else {
    console.error('allocation not measured: run node with --expose-gc (npm run bench does)');
  }
  environment.loadAverageAtEnd = loadavg()[0];

  const results = summarise(cases, samples, bytes);
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    environment,
    options,
    decoratorModes: { standardBuild: standardMode, legacyBuild: legacyMode },
    results,
    targets: evaluateTargets(results),
  };
  if (outputFile !== '') {
    await mkdir(dirname(outputFile), { recursive: true });
    await writeFile(outputFile, `${JSON.stringify(report, null, 2)}\n`);
  }
  // A missed target is reported, never turned into a failing exit code.
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
