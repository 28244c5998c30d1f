// Instructions per call of the fast path under `valgrind --tool=callgrind`, which do not depend on
// the machine's load (src/core/fast-path/README.md, "Measured"). Per case and kind: the instructions
// of a run of `--long` calls less those of `--short` calls, divided by the difference, so start-up
// cancels out. `node --single-threaded --predictable` compiles on the main thread and takes no
// decision by time, so the count is the same from one run to the next. That compiling is counted
// too, and so is the garbage collector's work: a (re)compilation or a burst of scavenges that
// falls inside the span raises its count. A run of the midpoint's length checks for it: a count
// whose two halves differ by more than `steadyTolerance` is marked with `*` (measure it again with
// a larger `--short`: 'budget' async on Node 22 counts 1,273 with the defaults and 1,155 with
// `--short 100000 --long 300000`, V8 still recompiling after 20,000 calls).
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
const middle = Math.round((short + long) / 2);
// How far apart the two halves of the span may count, per call, before a result is marked.
const steadyTolerance = 0.04;
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
    const [longCount, middleCount, shortCount] = [
      await instructions(job.node, job.caseName, job.kind, long),
      await instructions(job.node, job.caseName, job.kind, middle),
      await instructions(job.node, job.caseName, job.kind, short),
    ];
    const perCall = Math.round((longCount - shortCount) / (long - short));
    const firstHalf = (middleCount - shortCount) / (middle - short);
    const secondHalf = (longCount - middleCount) / (long - middle);
    const steady = Math.abs(firstHalf - secondHalf) <= steadyTolerance * perCall;
    results.set(`${job.version}|${job.caseName}|${job.kind}`, { perCall, steady });
    console.error(
      `node ${job.version}, ${job.caseName}, ${job.kind}: ${perCall}` +
        (steady ? '' : ` (halves ${Math.round(firstHalf)} and ${Math.round(secondHalf)})`),
    );
  }
}
await Promise.all(Array.from({ length: workers }, worker));

for (const version of versions) {
  console.log(`\nNode ${version}: instructions per call (beyond the direct call)\n`);
  console.log(`| case | ${kinds.join(' | ')} |`);
  console.log(`|---|${kinds.map(() => '---:').join('|')}|`);
  for (const caseName of cases) {
    const cells = kinds.map((kind) => {
      const result = results.get(`${version}|${caseName}|${kind}`);
      if (result === undefined) return '—';
      const mark = result.steady ? '' : ' *';
      const direct = results.get(`${version}|direct|${kind}`);
      return direct === undefined
        ? `${result.perCall}${mark}`
        : `${result.perCall} (${result.perCall - direct.perCall})${mark}`;
    });
    console.log(`| ${caseName} | ${cells.join(' | ')} |`);
  }
}
if ([...results.values()].some((result) => !result.steady)) {
  console.log(
    `\n* the two halves of ${short} to ${long} calls differ by more than ${steadyTolerance * 100}% per call: V8 compiled, or collected garbage unevenly, within the span; measure again with a larger --short`,
  );
}
