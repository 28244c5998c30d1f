// Instructions per call of the fast path under `valgrind --tool=callgrind`, which do not depend on
// the machine's load (src/core/fast-path/README.md, "Measured"). Per case and kind: the instructions
// of a run of `--long` calls less those of `--short` calls, divided by the difference, so start-up
// cancels out. `node --single-threaded --predictable` compiles on the main thread and takes no
// decision by time, so the count is the same from one run to the next.
//
//   npx tsc -b bench/tsconfig.legacy.json && node bench/instructions/run.mjs [--node 20,22,24]
//     [--cases direct,lean,...] [--kinds sync,async] [--short 20000] [--long 120000] [--workers 2]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const allCases = [
  'direct',
  'hand-written',
  'lean',
  'lean subscribed',
  'budget',
  'breaker ratio',
  'breaker consecutive',
  'breaker consecutive unbudgeted',
  'fallback',
  'concurrency limit',
  'rate limit',
  'timeout',
  'hedge',
];
// Cases whose method must answer with a promise (case.cjs).
const asyncOnly = new Set(['timeout', 'hedge']);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
}

const cases = option('cases', allCases.join(',')).split(',');
const kinds = option('kinds', 'sync,async').split(',');
const short = Number(option('short', '20000'));
const long = Number(option('long', '120000'));
const workers = Number(option('workers', '2'));
const versions = option('node', String(process.versions.node.split('.')[0])).split(',');

async function nodeBinary(version) {
  if (version === process.versions.node.split('.')[0]) return process.execPath;
  const { stdout } = await run('bash', [`${here}/../../scripts/node-binary.sh`, version]);
  return stdout.trim();
}

async function instructions(node, caseName, kind, calls) {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      node,
      // One thread, and no decision taken by time or by a random seed: two runs of one case
      // differ by a few thousand instructions in all (a few hundredths of one per call).
      '--single-threaded',
      '--predictable',
      '--random-seed=1',
      '--hash-seed=1',
      `${here}/case.cjs`,
      caseName,
      kind,
      String(calls),
    ],
    { maxBuffer: 1 << 24 },
  );
  const match = /Collected : (\d+)/.exec(stderr);
  if (match === null) throw new Error(`${caseName} ${kind}: no count in\n${stderr}`);
  return Number(match[1]);
}

const jobs = [];
for (const version of versions) {
  const node = await nodeBinary(version);
  for (const caseName of cases) {
    for (const kind of kinds) {
      if (kind === 'async' || !asyncOnly.has(caseName)) {
        jobs.push({ version, node, caseName, kind });
      }
    }
  }
}

// `--workers` at a time (2): callgrind runs one thread, and the counts do not depend on the load.
const results = new Map();
async function worker() {
  for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
    const [longCount, shortCount] = [
      await instructions(job.node, job.caseName, job.kind, long),
      await instructions(job.node, job.caseName, job.kind, short),
    ];
    const perCall = Math.round((longCount - shortCount) / (long - short));
    results.set(`${job.version}|${job.caseName}|${job.kind}`, perCall);
    console.error(`node ${job.version}, ${job.caseName}, ${job.kind}: ${perCall}`);
  }
}
await Promise.all(Array.from({ length: workers }, worker));

for (const version of versions) {
  console.log(`\nNode ${version}: instructions per call (beyond the direct call)\n`);
  console.log(`| case | ${kinds.join(' | ')} |`);
  console.log(`|---|${kinds.map(() => '---:').join('|')}|`);
  for (const caseName of cases) {
    const cells = kinds.map((kind) => {
      const count = results.get(`${version}|${caseName}|${kind}`);
      if (count === undefined) return '—';
      const direct = results.get(`${version}|direct|${kind}`);
      return direct === undefined ? `${count}` : `${count} (${count - direct})`;
    });
    console.log(`| ${caseName} | ${cells.join(' | ')} |`);
  }
}
