import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

// Proves that __tests__/setup/fail-on-unhandled-rejection.ts makes a rejection nobody handled fail
// the test that left it, by name, and fails nothing else: jest runs a fixture file in a child
// process with the project's setup file, and this test reads its JSON report.

const run = promisify(execFile);
const projectRoot = path.resolve(__dirname, '../..');

interface AssertionResult {
  readonly title: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
}

interface JestReport {
  readonly success: boolean;
  readonly numFailedTests: number;
  readonly testResults: ReadonlyArray<{ readonly assertionResults: readonly AssertionResult[] }>;
}

async function runFixtureWithGuard(): Promise<{
  readonly exitCode: number;
  readonly report: JestReport;
}> {
  const config = {
    rootDir: projectRoot,
    roots: ['<rootDir>/__tests__/reliability/fixtures'],
    testMatch: ['<rootDir>/__tests__/reliability/fixtures/unhandled.fixture.ts'],
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    setupFilesAfterEnv: ['<rootDir>/__tests__/setup/fail-on-unhandled-rejection.ts'],
  };
  const jestBin = require.resolve('jest/bin/jest');
  const args = [jestBin, '--config', JSON.stringify(config), '--runInBand', '--ci', '--json'];
  // The child must not believe it is one of this run's workers.
  const { JEST_WORKER_ID: _workerId, ...environment } = process.env;
  try {
    const { stdout } = await run(process.execPath, args, {
      cwd: projectRoot,
      env: environment,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, report: JSON.parse(stdout) as JestReport };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number' || !failure.stdout) throw error;
    return { exitCode: failure.code, report: JSON.parse(failure.stdout) as JestReport };
  }
}

let outcome: Awaited<ReturnType<typeof runFixtureWithGuard>>;

beforeAll(async () => {
  outcome = await runFixtureWithGuard();
}, 120_000);

function resultOf(title: string): AssertionResult {
  const found = outcome.report.testResults
    .flatMap((file) => file.assertionResults)
    .find((result) => result.title === title);
  if (found === undefined) throw new Error(`the fixture run has no test named "${title}"`);
  return found;
}

it('fails the run', () => {
  expect(outcome.exitCode).toBe(1);
  expect(outcome.report.success).toBe(false);
  expect(outcome.report.numFailedTests).toBe(1);
});

it('fails the test that left the rejection, naming the rejected error', () => {
  const result = resultOf('leaves a rejection of withRetry unhandled');
  expect(result.status).toBe('failed');
  expect(result.failureMessages.join('\n')).toContain('withRetry rejection nobody handled');
});

it.each(['awaits the rejection of withRetry', 'makes no promise at all'])(
  'passes a test that left nothing unhandled: %s',
  (title) => {
    expect(resultOf(title).status).toBe('passed');
  },
);
