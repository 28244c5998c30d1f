import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Against the build in dist/ (npm test builds it first), in a fresh process: NODE_DEBUG is read
// when the process starts, and an error a subscriber throws surfaces as an uncaught exception.
const root = join(__dirname, '..', '..');

function runNode(script: string, nodeDebug = ''): { stdout: string; stderr: string } {
  const { stdout, stderr, status } = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1', NODE_DEBUG: nodeDebug },
  });
  expect({ status, stderr: nodeDebug === '' ? stderr : '' }).toEqual({ status: 0, stderr: '' });
  return { stdout, stderr };
}

const flakyCall = `
  const { retryable, HttpError, Breaker } = require('tenacious');
  let failures = 0;
  const fetchRates = retryable(function fetchRates() {
    if (failures++ < 2) throw new HttpError(503);
    return 'rates';
  }, { initialDelay: 0, jitter: 'none', maxAttempts: 3 });
  const denied = retryable(function deny() { throw new HttpError(403); }, { initialDelay: 0 });
`;

describe('NODE_DEBUG=tenacious', () => {
  it('prints one line per retry, give-up and circuit state change to stderr', () => {
    const script = `${flakyCall}
      fetchRates();
      try { denied(); } catch {}
      new Breaker().isolate()();`;
    const { stderr } = runNode(script, 'tenacious');
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => line.replace(/^TENACIOUS \d+: /, ''));
    expect(lines).toEqual([
      'fetchRates: attempt 1 failed (retryable, HttpError: HTTP 503); retrying in 0 ms',
      'fetchRates: attempt 2 failed (retryable, HttpError: HTTP 503); retrying in 0 ms',
      'deny: gave up after 1 attempt(s) (not-retryable; auth_failure, HttpError: HTTP 403)',
      'circuit: closed -> isolated',
      'circuit: isolated -> closed',
    ]);
  });

  it('describes a failure whose own properties throw, and never throws itself', () => {
    const script = `
      const { retryable } = require('tenacious');
      class Odd extends Error {
        get message() { throw new Error('message getter'); }
      }
      let failures = 0;
      const read = retryable(function read() {
        if (failures++ < 1) throw Object.assign(new Odd(), { code: 'ECONNRESET' });
        return 'read';
      }, { initialDelay: 0, jitter: 'none' });
      process.on('uncaughtException', (error) => console.log('uncaught:', error.message));
      console.log(read());`;
    const { stdout, stderr } = runNode(script, 'tenacious');
    expect(stdout).toBe('read\n');
    expect(stderr).toMatch(/read: attempt 1 failed \(network, .+\); retrying in 0 ms/);
  });

  it('prints each line once with two copies of the package loaded in the process', () => {
    // The second copy is the same build loaded afresh, as another version in node_modules or a
    // test runner's new module registry would be: both publish on the same channels.
    const script = `
      const first = require('tenacious');
      for (const path of Object.keys(require.cache)) {
        if (path.includes('/dist/')) delete require.cache[path];
      }
      const second = require('tenacious');
      if (first.retryable === second.retryable) throw new Error('not a second copy');
      for (const copy of [first, second]) {
        let failures = 0;
        copy.retryable(function fetchRates() {
          if (failures++ < 1) throw new copy.HttpError(503);
          return 'rates';
        }, { initialDelay: 0, jitter: 'none' })();
      }`;
    const { stderr } = runNode(script, 'tenacious');
    const line = 'fetchRates: attempt 1 failed (retryable, HttpError: HTTP 503); retrying in 0 ms';
    const lines = stderr
      .trim()
      .split('\n')
      .map((printed) => printed.replace(/^TENACIOUS \d+: /, ''));
    expect(lines).toEqual([line, line]);
  });

  it('prints nothing without it', () => {
    const { stdout } = runNode(`${flakyCall} console.log(fetchRates());`);
    expect(stdout).toBe('rates\n');
  });
});

describe('a subscriber that throws', () => {
  it('does not change the call’s result; its error is an uncaught exception on the next tick', () => {
    const { stdout } = runNode(`${flakyCall}
      const { subscribe } = require('node:diagnostics_channel');
      subscribe('tenacious:retry', () => { throw new Error('subscriber bug'); });
      process.on('uncaughtException', (error) => console.log('uncaught:', error.message));
      console.log('result:', fetchRates());`);
    expect(stdout.trim().split('\n')).toEqual([
      'result: rates',
      'uncaught: subscriber bug',
      'uncaught: subscriber bug',
    ]);
  });
});
