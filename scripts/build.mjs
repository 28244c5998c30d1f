// npm run build (and `prepare`, so that an install from git gets dist/ too): writes dist/.
//
// One CommonJS build, with an ESM entry beside each entry point that re-exports it. There is no
// second, ESM copy of the code: a process that reaches the package through both `import` and
// `require` (an ESM app with a CommonJS dependency that uses tenacious, say) must still see one
// `Breaker`, one budget and one set of decorator metadata, not two that ignore each other.
//
// Two passes over tsc's output make that build work where CommonJS output alone does not:
// - dist/<entry>.mjs and .d.mts for each entry point in package.json "exports": the `import`
//   condition. Node and bundlers load them as ESM; their values are the CommonJS module's.
// - Node built-ins are loaded with `process.getBuiltinModule` (Node >= 20.16), not `require`.
//   esbuild turns a `require` it cannot resolve at build time into a call that throws
//   `Dynamic require of "node:http" is not supported` in an ESM bundle; a plain function call
//   on `process` passes through every bundler untouched.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

// A file deleted from src must not live on in dist.
rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

const builtins = new Set(builtinModules);
const isBuiltin = (name) => name.startsWith('node:') || builtins.has(name);

function* javaScriptFiles(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* javaScriptFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

for (const file of javaScriptFiles(dist)) {
  const source = readFileSync(file, 'utf8');
  // Only the call's own text changes, on its own line: the source map stays right.
  const rewritten = source.replace(/\brequire\((["'])([^"'\n]+)\1\)/g, (call, quote, name) =>
    isBuiltin(name) ? `process.getBuiltinModule(${quote}${name}${quote})` : call,
  );
  if (rewritten !== source) writeFileSync(file, rewritten);
}

// Every entry point of package.json "exports" with an `import` condition gets its ESM wrapper.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target !== 'object' || target.import === undefined) continue;
  const wrapper = join(root, target.import.default);
  const types = join(root, target.import.types);
  const commonJs = join(root, target.require.default);
  const specifier = `./${relative(dirname(wrapper), commonJs)}`;
  const names = Object.keys(require(commonJs)).filter((name) => name !== 'default');
  if (names.length === 0) throw new Error(`build: ${subpath} (${commonJs}) exports nothing`);
  writeFileSync(
    wrapper,
    [
      `// The ESM entry of ${join(manifest.name, subpath)}: the CommonJS build's own objects, so that import and require share one copy of its state.`,
      `import commonJs from '${specifier}';`,
      `export const {\n${names.map((name) => `  ${name},\n`).join('')}} = commonJs;`,
      '',
    ].join('\n'),
  );
  writeFileSync(types, `export * from '${specifier}';\n`);
}
