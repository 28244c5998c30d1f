import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// An async hook's rejection is reported as a TenaciousWarning, from a rejection handler: a throw
// there, while describing the rejection, is an unhandled rejection (fatal by default). An error
// whose getters throw must not take the process down. A fresh process (on the sources) sees what
// would reach its handlers.
const root = join(__dirname, '..', '..');

function run(script: string): string[] {
  const { stdout, stderr, status } = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', script],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  return stdout.trim().split('\n');
}

const handlers = `
  process.on('uncaughtException', (error) => console.log('uncaught:', error.message));
  process.on('unhandledRejection', (error) => console.log('unhandled:', error.message));
`;

describe('an async hook rejecting with a hostile error', () => {
  it('an async onRetry that rejects with such an error is reported as a warning', () => {
    const lines = run(`${handlers}
      process.on('warning', (warning) => console.log('warning:', warning.code));
      const { withRetry } = require('./src');
      const hostile = Object.defineProperty(new Error('y'), 'message', {
        get() { throw new Error('message getter'); },
      });
      let calls = 0;
      withRetry(() => {
        if (calls++ === 0) throw Object.assign(new Error('z'), { status: 503 });
        return 'ok';
      }, { initialDelay: 0, onRetry: async () => { throw hostile; } }).then((value) => console.log(value));
    `);
    expect(lines.sort()).toEqual(['ok', 'warning: TENACIOUS_LISTENER_THREW']);
  }, 20000);
});
