// npm run bench [-- --rounds 25 --calls 100000 --node 22,24 --json --results-dir bench/results]
// What a retry wrapper costs on a call that succeeds first time (the common case), in the shapes
// real programs call methods in, against a direct call, the simplest hand-written wrapper and the
// peer libraries; on one or several Node versions. bench/README.md explains the method;
// `npm run bench -- --help` lists the options.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { breakerAndBudgetAvailable, policyExportsAvailable } from './cases/retry-settings';
import type { GroupRequest, GroupResult } from './harness/group-protocol';
import { groupPlans } from './harness/groups';
import { resolveNodeBinaries, type NodeBinary } from './harness/node-binaries';
import { benchOptionsOf, parseOptions, usage, type RunOptions } from './harness/options';
import { groupScript } from './harness/paths';
import { formatReport, formatSummary, type BenchReport } from './harness/report';
import { generateShapeCases, type GeneratedCase } from './harness/shape-cases';
import { evaluateTargets } from './harness/targets';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(usage);
    return;
  }
  const options = parseOptions(process.argv.slice(2));
  const binaries = resolveNodeBinaries(options.nodes);
  const generatedCases = generateShapeCases();
  const workDirectory = await mkdtemp(join(tmpdir(), 'tenacious-bench-'));
  const reports: BenchReport[] = [];
  try {
    for (const binary of binaries) {
      const report = await runOnNode(binary, options, generatedCases, workDirectory);
      reports.push(report);
      if (options.resultsDirectory !== '') {
        const directory = resolve(options.resultsDirectory);
        await mkdir(directory, { recursive: true });
        await writeFile(
          join(directory, `node-${binary.major}.json`),
          `${JSON.stringify(report, null, 2)}\n`,
        );
      }
      if (!options.json) console.log(`${formatReport(report)}\n`);
    }
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
  // A missed target is reported, never turned into a failing exit code.
  console.log(options.json ? JSON.stringify(reports, null, 2) : formatSummary(reports));
}

/** Every group, one child process each, under one Node binary. */
async function runOnNode(
  binary: NodeBinary,
  options: RunOptions,
  generatedCases: readonly GeneratedCase[],
  workDirectory: string,
): Promise<BenchReport> {
  const groups: GroupResult[] = [];
  for (const plan of groupPlans) {
    const outputFile = join(workDirectory, `${binary.major}-${groups.length}.json`);
    const request: GroupRequest = {
      plan,
      options: benchOptionsOf(options),
      generatedCases,
      outputFile,
    };
    await runChild(binary.path, ['--expose-gc', groupScript, JSON.stringify(request)], plan.name);
    groups.push(JSON.parse(await readFile(outputFile, 'utf8')) as GroupResult);
  }
  const peers = groups[0];
  const last = groups[groups.length - 1];
  return {
    generatedAt: new Date().toISOString(),
    environment: {
      ...peers.environment,
      loadAverageAtEnd: last.environment.loadAverageAtEnd,
    },
    options: benchOptionsOf(options),
    decoratorModes: peers.decoratorModes ?? null,
    available: { breakerAndBudget: breakerAndBudgetAvailable, policies: policyExportsAvailable() },
    groups,
    notes: [...new Set(groups.flatMap((group) => group.notes))],
    targets: evaluateTargets(groups),
  };
}

function runChild(executable: string, args: readonly string[], name: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`group "${name}" under ${executable} failed: exit ${code ?? signal}`));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
