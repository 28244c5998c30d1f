import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SoakReport } from '../../bench/soak';

// Runs bench/soak.ts as `npm run soak` does, with a small count, and checks its report: every call
// was pending at the heap reading, ended as expected, and its memory was given back. The delay is
// long enough for the two full garbage collections of the reading (ts-node's heap is large).

const run = promisify(execFile);
const projectRoot = path.resolve(__dirname, '../..');
const calls = 1000;

let stdout = '';

beforeAll(async () => {
  const args = [
    '--expose-gc',
    '-r',
    'ts-node/register/transpile-only',
    'bench/soak.ts',
    '--calls',
    String(calls),
    '--delay',
    '1000',
  ];
  ({ stdout } = await run(process.execPath, args, { cwd: projectRoot }));
}, 120_000);

function soakReport(): SoakReport {
  const line = stdout.split('\n').find((text) => text.startsWith('SOAK '));
  if (line === undefined) throw new Error(`no SOAK line in the output:\n${stdout}`);
  return JSON.parse(line.slice('SOAK '.length)) as SoakReport;
}

it('passes (exit code 0 is implied: execFile rejects otherwise)', () => {
  expect(stdout.trim().split('\n').at(-1)).toBe('PASS');
  expect(soakReport()).toMatchObject({ calls, delay: 1000, pass: true });
});

it.each(['timer', 'abort'])(
  'reports the %s round: all pending at the reading, all ended as expected, memory released',
  (round) => {
    const report = soakReport().rounds.find((candidate) => candidate.round === round);
    expect(report).toMatchObject({
      calls,
      pendingAtReading: calls,
      endedAsExpected: calls,
      released: true,
    });
    // A pending retry holds its promises, closures and timer: some hundreds of bytes to a few KB.
    expect(report?.bytesPerPendingRetry).toBeGreaterThan(100);
    expect(report?.bytesPerPendingRetry).toBeLessThan(64 * 1024);
  },
);
