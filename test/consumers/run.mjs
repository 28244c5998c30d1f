// npm run test:consumers: the package as its users get it. `npm pack` (which builds dist/ through
// `prepare`), then, for each set-up below, a temporary project under os.tmpdir() that installs the
// tarball, compiles service.ts and runs it. No network: the tarball is a file, and the compilers,
// reflect-metadata, @types/node and the AWS SDK are linked from this repository's node_modules.
//
// Every TypeScript version x decorator mode is a case; across them every moduleResolution (node10,
// node16, nodenext, bundler), both module systems (CommonJS and "type": "module") and targets
// ES2022 to ES2025 appear; then esbuild ESM bundles and tsx. One more case proves the README's
// warning: target ESNext leaves `@dec` in the output, which Node cannot parse.
//
// TENACIOUS_KEEP_CONSUMERS=1 keeps the projects for a look; arguments filter cases by name.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const modules = join(root, 'node_modules');
const compilers = {
  5.2: join(modules, 'typescript-5.2/bin/tsc'),
  5.9: join(modules, 'typescript-5.9/bin/tsc'),
  '6.0': join(modules, 'typescript/bin/tsc'),
  '7.0': join(modules, 'typescript-7/bin/tsc'),
};
const esbuild = join(modules, 'esbuild/bin/esbuild');
const tsx = join(modules, 'tsx/dist/cli.mjs');

const expectedService = {
  flaky: 'quote',
  flakyCalls: 2,
  limited: 'allowed',
  limitedCalls: 2,
  ensureOkStatus: 503,
  bedrockMaxAttempts: 2,
  fleetQuorum: 2,
};

/**
 * name: what is tested. typescript: the tsc that compiles it. decorators: 'standard' (TC39) or
 * 'legacy' (experimentalDecorators). type: the consumer's package.json "type". compilerOptions:
 * the rest of its tsconfig.
 */
const typeScriptCases = [
  [
    '5.2',
    'standard',
    'commonjs',
    { module: 'commonjs', moduleResolution: 'node10', target: 'ES2022' },
  ],
  ['5.2', 'legacy', 'module', { module: 'node16', moduleResolution: 'node16', target: 'ES2022' }],
  [
    '5.9',
    'standard',
    'module',
    { module: 'esnext', moduleResolution: 'bundler', target: 'ES2024' },
  ],
  [
    '5.9',
    'legacy',
    'commonjs',
    { module: 'commonjs', moduleResolution: 'node10', target: 'ES2023' },
  ],
  [
    '6.0',
    'standard',
    'commonjs',
    { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2025' },
  ],
  [
    '6.0',
    'legacy',
    'module',
    { module: 'preserve', moduleResolution: 'bundler', target: 'ES2025' },
  ],
  ['7.0', 'standard', 'module', { module: 'node16', moduleResolution: 'node16', target: 'ES2025' }],
  [
    '7.0',
    'legacy',
    'commonjs',
    { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022' },
  ],
].map(([typescript, decorators, type, compilerOptions]) => ({
  name: `TypeScript ${typescript}, ${decorators} decorators, ${compilerOptions.moduleResolution}, ${type === 'module' ? 'ESM' : 'CommonJS'}, ${compilerOptions.target}`,
  typescript,
  decorators,
  type,
  compilerOptions,
}));

const cases = [
  ...typeScriptCases.map((setup) => ({
    ...setup,
    build: (project) => runCompiler(project, setup.typescript),
    run: (project) => node(project, ['out/service.js']),
    expect: expectService,
  })),
  {
    name: 'esbuild ESM bundle (--bundle --format=esm --platform=node), standard decorators',
    decorators: 'standard',
    type: 'commonjs',
    build: (project) =>
      command(project, esbuild, ['service.ts', ...esbuildFlags, '--outfile=out/service.mjs']),
    run: (project) => node(project, ['out/service.mjs']),
    expect: expectService,
  },
  {
    name: 'esbuild ESM bundle, legacy decorators, ESM',
    decorators: 'legacy',
    type: 'module',
    build: (project) =>
      command(project, esbuild, ['service.ts', ...esbuildFlags, '--outfile=out/service.js']),
    run: (project) => node(project, ['out/service.js']),
    expect: expectService,
  },
  {
    // The AWS SDK's own CommonJS files require Node built-ins; with --main-fields=module,main
    // esbuild takes its ESM build instead (README: Install).
    name: 'esbuild ESM bundle of tenacious/bedrock with the AWS SDK',
    decorators: 'standard',
    type: 'module',
    build: (project) =>
      command(project, esbuild, [
        'bedrock-bundle.ts',
        ...esbuildFlags,
        '--main-fields=module,main',
        '--outfile=out/bedrock-bundle.js',
      ]),
    run: (project) => node(project, ['out/bedrock-bundle.js']),
    expect: (output) => expectEqual(output.trim(), 'bedrock bundle ok'),
  },
  {
    name: 'tsx, standard decorators, ESM',
    decorators: 'standard',
    type: 'module',
    build: () => undefined,
    run: (project) => node(project, [tsx, 'service.ts']),
    expect: expectService,
  },
  {
    name: 'tsx, legacy decorators, CommonJS',
    decorators: 'legacy',
    type: 'commonjs',
    build: () => undefined,
    run: (project) => node(project, [tsx, 'service.ts']),
    expect: expectService,
  },
  {
    // What `tsc --init` (TypeScript 6 and 7) sets up. If a Node version ever parses decorators,
    // this fails, and the README's set-up section must change.
    name: 'TypeScript 7.0, target ESNext (tsc --init): Node cannot parse the output',
    typescript: '7.0',
    decorators: 'standard',
    type: 'commonjs',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'ESNext' },
    build: (project) => runCompiler(project, '7.0'),
    run: (project) => node(project, ['out/service.js'], { expectFailure: true }),
    expect: (output) => {
      if (!/SyntaxError: Invalid or unexpected token/.test(output)) {
        throw new Error(`expected a SyntaxError at "@", got:\n${output}`);
      }
    },
  },
];

const esbuildFlags = [
  '--bundle',
  '--format=esm',
  '--platform=node',
  // esbuild's default target, ESNext, would leave `@dec` in the bundle.
  '--target=es2022',
  '--log-level=warning',
];

function command(cwd, file, args, { expectFailure = false } = {}) {
  const result = spawnSync(file, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const output = `${result.stdout}${result.stderr}`;
  if ((result.status === 0) === expectFailure) {
    throw new Error(
      `${[file, ...args].join(' ')} ${expectFailure ? 'succeeded' : 'failed'}:\n${output}`,
    );
  }
  return expectFailure ? output : result.stdout;
}

function node(project, args, options) {
  return command(project, process.execPath, args, options);
}

function runCompiler(project, version) {
  return command(project, process.execPath, [compilers[version], '-p', 'tsconfig.json']);
}

function expectEqual(actual, expected) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function expectService(output) {
  const lines = output.trim().split('\n');
  expectEqual(JSON.parse(lines[lines.length - 1]), expectedService);
}

function link(project, name) {
  const target = join(project, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(modules, name), target, 'dir');
}

function createProject(directory, setup, tarball) {
  mkdirSync(directory);
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: setup.type }, null, 2),
  );
  const offline = ['--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];
  command(directory, 'npm', ['install', ...offline, tarball]);
  // After the install, which would remove what package.json does not list.
  for (const name of ['@types/node', '@aws-sdk/client-bedrock-runtime', 'reflect-metadata']) {
    link(directory, name);
  }
  const legacy = setup.decorators === 'legacy';
  const service = readFileSync(join(here, 'service.ts'), 'utf8');
  writeFileSync(
    join(directory, 'service.ts'),
    legacy ? `import 'reflect-metadata';\n${service}` : service,
  );
  copyFileSync(join(here, 'bedrock-bundle.ts'), join(directory, 'bedrock-bundle.ts'));
  copyFileSync(join(here, 'identity.cjs'), join(directory, 'identity.cjs'));
  const compilerOptions = {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2022',
    ...setup.compilerOptions,
    strict: true,
    // Our declaration files are checked too, with the AWS SDK's that bedrock.d.ts imports.
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
    rootDir: '.',
    ...(legacy ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {}),
  };
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['service.ts'] }, null, 2),
  );
}

const filters = process.argv.slice(2);
const selected = cases.filter(
  (setup) => filters.length === 0 || filters.some((filter) => setup.name.includes(filter)),
);
const work = mkdtempSync(join(tmpdir(), 'tenacious-consumers-'));
let failures = 0;
try {
  const packDirectory = join(work, 'pack');
  mkdirSync(packDirectory);
  execFileSync('npm', ['pack', '--pack-destination', packDirectory, '--loglevel=error'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = join(
    packDirectory,
    readdirSync(packDirectory).find((file) => file.endsWith('.tgz')),
  );
  for (const [index, setup] of selected.entries()) {
    const project = join(work, `consumer-${index + 1}`);
    const started = performance.now();
    try {
      createProject(project, setup, tarball);
      setup.build(project);
      setup.expect(setup.run(project));
      expectEqual(node(project, ['identity.cjs']).trim(), 'identity ok');
      console.log(`ok   ${setup.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${setup.name} (${project})\n${error.message}`);
    }
  }
} finally {
  if (process.env.TENACIOUS_KEEP_CONSUMERS === '1') console.log(`projects kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(`${selected.length - failures} of ${selected.length} consumer set-ups passed`);
if (failures > 0 || selected.length === 0) process.exitCode = 1;
