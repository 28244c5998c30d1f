// npm run test:node-matrix: the whole jest suite on each Node version users run (22, 24 and 26;
// `npm test` has just run it on the machine's own Node 20), on Node 22 once more with
// --experimental-async-context-frame, then, on each, the tests that load undici again with
// undici 8 (which needs Node 22). Node binaries come from the npm registry,
// cached (scripts/node-binary.sh). Runs one after the other: CI has two cores.
//
// TENACIOUS_NODE_VERSIONS="22 24" narrows the versions.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
const versions = (process.env.TENACIOUS_NODE_VERSIONS ?? '22 24 26')
  .split(/[\s,]+/)
  .filter(Boolean);

function* sourceFiles(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

// The test files that load undici, directly or through local modules they import (helpers,
// examples, servers): found by following relative imports, so new tests are picked up.
const importPattern = /(?:from|import|require\()\s*['"]([^'"]+)['"]/g;
const loadsUndici = new Map();
function reachesUndici(file, visiting = new Set()) {
  if (loadsUndici.has(file)) return loadsUndici.get(file);
  if (visiting.has(file)) return false;
  visiting.add(file);
  let found = false;
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(importPattern)) {
    if (specifier === 'undici' || specifier.startsWith('undici/')) found = true;
    else if (specifier.startsWith('.')) {
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find(
        (candidate) => candidate.endsWith('.ts') && existsSync(candidate),
      );
      if (target !== undefined && reachesUndici(target, visiting)) found = true;
    }
    if (found) break;
  }
  loadsUndici.set(file, found);
  return found;
}
const undiciTests = [...sourceFiles(join(root, '__tests__'))]
  .filter((file) => file.endsWith('.test.ts') && reachesUndici(file))
  .map((file) => relative(root, file));
if (undiciTests.length === 0) throw new Error('test:node-matrix: found no test that loads undici');

const failed = [];
function run(label, node, args, extraEnvironment = {}) {
  console.log(`\n=== ${label} (${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()})`);
  const result = spawnSync(node, [jest, '--ci', ...args], {
    cwd: root,
    stdio: 'inherit',
    // Tests that start `node` themselves get this version too.
    env: {
      ...process.env,
      PATH: `${dirname(node)}${delimiter}${process.env.PATH}`,
      ...extraEnvironment,
    },
  });
  if (result.status !== 0) failed.push(label);
}

for (const version of versions) {
  const node = execFileSync('bash', [join(root, 'scripts/node-binary.sh'), version], {
    encoding: 'utf8',
  }).trim();
  run(`Node ${version}: the whole suite`, node, []);
  if (version === '22') {
    // The README advises this flag on Node 22 (AsyncLocalStorage without promise hooks, as on
    // Node 24): the whole suite must hold under it too.
    run(`Node ${version}: the whole suite with --experimental-async-context-frame`, node, [], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-async-context-frame`.trim(),
    });
  }
  run(
    `Node ${version}: ${undiciTests.length} test files with undici 8`,
    node,
    ['--runTestsByPath', ...undiciTests],
    {
      TENACIOUS_UNDICI_MAJOR: '8',
    },
  );
}

if (failed.length > 0) {
  console.error(`\ntest:node-matrix failed: ${failed.join('; ')}`);
  process.exitCode = 1;
}
