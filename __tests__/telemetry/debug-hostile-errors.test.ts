import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// NODE_DEBUG=tenacious prints a line per retry and give-up, describing the error. Its subscriber
// runs inside diagnostics_channel, where anything it throws becomes an uncaught exception: an
// error whose getters throw (or a Proxy whose traps do) must not take the process down when
// debugging is on. NODE_DEBUG is read when a process starts, hence a fresh one (on the sources).
const root = join(__dirname, '..', '..');

const script = `
  const { withRetry } = require('./src');
  const throwingMessage = Object.defineProperty(new Error('x'), 'message', {
    get() { throw new Error('message getter'); },
  });
  Object.assign(throwingMessage, { status: 503 });
  const hostileProxy = new Proxy(Object.assign(new Error('y'), { status: 503 }), {
    getPrototypeOf() { throw new Error('getPrototypeOf trap'); },
  });
  process.on('uncaughtException', (error) => { console.log('uncaught:', error.message); });
  (async () => {
    for (const hostile of [throwingMessage, hostileProxy]) {
      const outcome = await withRetry(() => { throw hostile; }, { initialDelay: 0, maxAttempts: 2 })
        .catch((error) => error === hostile ? 'rejected with it' : 'rejected with another');
      console.log(outcome);
    }
  })();
`;

describe('NODE_DEBUG=tenacious with hostile errors', () => {
  it('describes them without throwing, and the calls reject with them', () => {
    const { stdout, stderr, status } = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_NO_WARNINGS: '1', NODE_DEBUG: 'tenacious' },
      },
    );
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(['rejected with it', 'rejected with it']);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/attempt 1 failed \(retryable, .*\); retrying in 0 ms$/);
    expect(lines[1]).toMatch(/gave up after 2 attempt\(s\) \(exhausted; retryable, .*\)$/);
  }, 20000);
});
