import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// The package as a user installs it: the CommonJS build in dist/ (npm test builds it first),
// resolved through package.json "exports" by Node itself, in a fresh process.
const root = join(__dirname, '..');

function runNode(script: string): string {
  return execFileSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
}

describe('the published package', () => {
  it('exports the public contract from "tenacious"', () => {
    const names = JSON.parse(
      runNode(`console.log(JSON.stringify(Object.keys(require('tenacious')).sort()))`),
    ) as string[];
    expect(names).toEqual(
      [
        'Breaker',
        'BrokenCircuitError',
        'CircuitBreaker',
        'IsolatedCircuitError',
        'RetryBudget',
        'RateLimit',
        'RateLimiter',
        'RateLimitExceededError',
        'ConcurrencyLimit',
        'ConcurrencyLimiter',
        'ConcurrencyLimitError',
        'Fallback',
        'Classified',
        'ErrorCategory',
        'HttpError',
        'Retry',
        'RetryContext',
        'RetryDefaults',
        'RetryOnRateLimit',
        'calculateBackoffDelay',
        'classifyError',
        'isRateLimitError',
        'retryable',
        'withRetry',
        'stats',
        'channelNames',
        'Timeout',
        'Hedge',
        'AttemptTimeoutError',
        'currentAttempt',
      ].sort(),
    );
  });

  it('installs Symbol.metadata on import, before any decorated class is defined', () => {
    expect(runNode(`require('tenacious'); console.log(typeof Symbol.metadata)`).trim()).toBe(
      'symbol',
    );
  });

  it('has the sub-path entry points tenacious/undici and tenacious/bedrock', () => {
    const output = runNode(
      `console.log(typeof require('tenacious/undici').ensureOk, typeof require('tenacious/bedrock').ResilientBedrock)`,
    );
    expect(output.trim()).toBe('function function');
  });

  it('has the sub-path entry point tenacious/opentelemetry', () => {
    const output = runNode(
      `const otel = require('tenacious/opentelemetry'); console.log(typeof otel.instrumentTenacious, typeof otel.undiciStartSpanHook)`,
    );
    expect(output.trim()).toBe('function function');
  });

  it('loads @opentelemetry/api from tenacious/opentelemetry only, and nothing else from node_modules', () => {
    const loaded = JSON.parse(
      runNode(
        `require('tenacious/opentelemetry'); console.log(JSON.stringify(Object.keys(require.cache)))`,
      ),
    ) as string[];
    const fromNodeModules = loaded.filter((path) => path.includes('node_modules'));
    expect(fromNodeModules.length).toBeGreaterThan(0);
    expect(
      fromNodeModules.filter((path) => !path.includes('/node_modules/@opentelemetry/api/')),
    ).toEqual([]);
  });

  it('has the sub-path entry point tenacious/redis, which loads no Redis client itself', () => {
    const report = JSON.parse(
      runNode(
        `const fleet = require('tenacious/redis'); const core = require('tenacious');
        console.log(JSON.stringify({
          names: Object.keys(fleet).sort(),
          budget: new fleet.RedisRetryBudget({ client: { evalsha() {}, eval() {} }, key: 'k' }) instanceof core.RetryBudget,
          limiter: new fleet.RedisRateLimiter({ client: { evalsha() {}, eval() {} }, key: 'k', limit: 5, interval: 1000 }) instanceof core.RateLimiter,
          fromNodeModules: Object.keys(require.cache).filter((path) => path.includes('node_modules')),
        }))`,
      ),
    ) as { names: string[]; budget: boolean; limiter: boolean; fromNodeModules: string[] };
    expect(report).toEqual({
      names: ['RedisBreaker', 'RedisRateLimiter', 'RedisRetryBudget'],
      budget: true,
      limiter: true,
      fromNodeModules: [],
    });
  });

  it('loads neither undici nor the AWS SDK from the core entry point', () => {
    const loaded = JSON.parse(
      runNode(
        `require('tenacious'); require('tenacious/undici'); console.log(JSON.stringify(Object.keys(require.cache)))`,
      ),
    ) as string[];
    expect(loaded.filter((path) => path.includes('node_modules'))).toEqual([]);
  });

  it('has no runtime dependencies; undici, the AWS SDK, @opentelemetry/api and the Redis clients are optional peers', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta).toEqual({
      '@aws-sdk/client-bedrock-runtime': { optional: true },
      '@opentelemetry/api': { optional: true },
      ioredis: { optional: true },
      redis: { optional: true },
      undici: { optional: true },
    });
    expect(manifest.sideEffects).toEqual(['./dist/polyfill.js']);
  });

  it('ships declaration files for every entry point, CommonJS and ESM', () => {
    for (const entry of ['index', 'undici', 'bedrock', 'opentelemetry', 'redis']) {
      for (const extension of ['d.ts', 'd.mts']) {
        const declarations = readFileSync(join(root, 'dist', `${entry}.${extension}`), 'utf8');
        expect(declarations.length).toBeGreaterThan(0);
      }
    }
  });

  const entryPoints = Object.keys(manifest().exports).filter((path) => path !== './package.json');

  it('gives `import` and `require` the same objects: one copy of its state per process', () => {
    const entries = entryPoints.map((path) => path.replace(/^\./, 'tenacious'));
    const report = runNode(
      `(async () => {
        const entries = ${JSON.stringify(entries)};
        const differences = [];
        for (const entry of entries) {
          const required = require(entry);
          const imported = await import(entry);
          const names = new Set([...Object.keys(required), ...Object.keys(imported)]);
          for (const name of names) if (imported[name] !== required[name]) differences.push(entry + ': ' + name);
        }
        console.log(JSON.stringify({ entries: entries.length, differences }));
      })();`,
    );
    expect(JSON.parse(report)).toEqual({ entries: entries.length, differences: [] });
  });

  // scripts/build.mjs writes the ESM wrapper of each entry point that has an `import` condition.
  it('has an `import` (ESM) and a `require` (CommonJS) condition for every entry point', () => {
    for (const path of entryPoints) {
      expect([path, Object.keys(manifest().exports[path] as object)]).toEqual([
        path,
        ['import', 'require'],
      ]);
    }
  });

  it('has a node10 types fallback (typesVersions) for every sub-path entry point', () => {
    const fallback = (manifest().typesVersions as Record<string, Record<string, string[]>>)['*'];
    for (const path of entryPoints.filter((entry) => entry !== '.')) {
      expect([path, fallback[path.slice(2)]]).toEqual([
        path,
        [(manifest().exports[path] as { require: { types: string } }).require.types],
      ]);
    }
  });

  // esbuild turns `require("node:http")` into a call that throws in an ESM bundle.
  it('loads Node built-ins without `require` in dist/', () => {
    const builtins = new Set(builtinModules);
    const requiredBuiltins = distFiles('.js').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g)]
        .map((match) => match[1])
        .filter((name) => name.startsWith('node:') || builtins.has(name)),
    );
    expect(requiredBuiltins).toEqual([]);
  });

  it('ships source maps that carry their sources (src/ is not in the tarball)', () => {
    const maps = distFiles('.js.map');
    expect(maps.length).toBeGreaterThan(0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(file, 'utf8')) as {
        sources: string[];
        sourcesContent?: string[];
      };
      expect([file, map.sourcesContent?.length]).toEqual([file, map.sources.length]);
    }
  });
});

function manifest(): { exports: Record<string, unknown>; [field: string]: unknown } {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as ReturnType<
    typeof manifest
  >;
}

function distFiles(extension: string): string[] {
  return readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension))
    .map((file) => join(root, 'dist', file));
}
