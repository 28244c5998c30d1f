import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  it('loads neither undici nor the AWS SDK from the core entry point', () => {
    const loaded = JSON.parse(
      runNode(
        `require('tenacious'); require('tenacious/undici'); console.log(JSON.stringify(Object.keys(require.cache)))`,
      ),
    ) as string[];
    expect(loaded.filter((path) => path.includes('node_modules'))).toEqual([]);
  });

  it('has no runtime dependencies; undici, the AWS SDK and @opentelemetry/api are optional peers', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta).toEqual({
      '@aws-sdk/client-bedrock-runtime': { optional: true },
      '@opentelemetry/api': { optional: true },
      undici: { optional: true },
    });
    expect(manifest.sideEffects).toEqual(['./dist/polyfill.js']);
  });

  it('ships declaration files for every entry point', () => {
    for (const entry of ['index', 'undici', 'bedrock', 'opentelemetry']) {
      expect(readFileSync(join(root, 'dist', `${entry}.d.ts`), 'utf8').length).toBeGreaterThan(0);
    }
  });
});
