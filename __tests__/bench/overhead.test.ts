import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// `npm run bench` on a tiny configuration, in a child process: it builds both decorator modes,
// runs every case and reports each one. Nothing here is timed; the numbers only have to exist.
const run = promisify(execFile);
const repositoryRoot = join(__dirname, '..', '..');

const asyncCases = [
  'direct async method',
  'tenacious @Retry async (Stage-3)',
  'tenacious @Retry async (legacy)',
  'tenacious retryable async',
  'tenacious withRetry',
  'cockatiel retry().execute',
  'cockatiel @usePolicy',
  'p-retry pRetry',
  'typescript-retry-decorator @Retryable',
];
const syncCases = [
  'direct sync method',
  'tenacious @Retry sync (Stage-3)',
  'tenacious @Retry sync (legacy)',
  'tenacious retryable sync',
];

interface ReportedCase {
  readonly name: string;
  readonly kind: string;
  readonly decoratorMode: string;
  readonly nanosecondsPerCall: number;
  readonly ratio: number;
  readonly bytesPerCall: number | null;
}

interface Report {
  readonly decoratorModes: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly results: readonly ReportedCase[];
  readonly targets: readonly { readonly description: string; readonly met: boolean }[];
}

let directory: string;
let table: string;
let report: Report;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tenacious-bench-'));
  const outputFile = join(directory, 'overhead.json');
  const flags = [
    '--rounds',
    '1',
    '--warmup',
    '0',
    '--calls',
    '200',
    '--alloc-calls',
    '200',
    '--alloc-batches',
    '1',
    '--out',
    outputFile,
  ];
  const { stdout } = await run('npm', ['run', '--silent', 'bench', '--', ...flags], {
    cwd: repositoryRoot,
    timeout: 55_000,
  });
  table = stdout;
  report = JSON.parse(await readFile(outputFile, 'utf8')) as Report;
}, 60_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The cells of the table row of `name`, after the name. */
function tableRow(name: string): string[] | undefined {
  const line = table.split('\n').find((candidate) => candidate.startsWith(`| ${name} |`));
  return line
    ?.split('|')
    .slice(2, -1)
    .map((cell) => cell.trim());
}

describe('npm run bench on a tiny configuration', () => {
  it.each([
    ...asyncCases.map((name) => [name, 'async']),
    ...syncCases.map((name) => [name, 'sync']),
  ])('reports %s (%s) with finite, positive numbers in the table and the JSON', (name, kind) => {
    const row = tableRow(name);
    expect(row).toBeDefined();
    const [nanoseconds, , ratio, , bytes] = row!.map(Number);
    for (const value of [nanoseconds, ratio]) {
      expect(Number.isFinite(value) && value > 0).toBe(true);
    }
    expect(Number.isFinite(bytes)).toBe(true);

    const reported = report.results.find((result) => result.name === name);
    expect(reported).toMatchObject({ name, kind });
    expect(Number.isFinite(reported!.nanosecondsPerCall) && reported!.nanosecondsPerCall > 0).toBe(
      true,
    );
    expect(Number.isFinite(reported!.ratio) && reported!.ratio > 0).toBe(true);
    expect(Number.isFinite(reported!.bytesPerCall)).toBe(true);
  });

  it('reports no case beyond the expected ones', () => {
    expect(report.results.map((result) => result.name).sort()).toEqual(
      [...asyncCases, ...syncCases].sort(),
    );
  });

  it('compiled the Stage-3 cases with standard decorators and the legacy cases with legacy ones', () => {
    expect(report.decoratorModes).toEqual({ standardBuild: 'standard', legacyBuild: 'legacy' });
    expect(
      report.results.find((result) => result.name === 'tenacious @Retry async (Stage-3)')
        ?.decoratorMode,
    ).toBe('standard');
    expect(
      report.results.find((result) => result.name === 'tenacious @Retry async (legacy)')
        ?.decoratorMode,
    ).toBe('legacy');
  });

  it('prints PASS or MISS for every target in the JSON', () => {
    expect(report.targets.length).toBeGreaterThan(0);
    for (const target of report.targets) {
      expect(table).toContain(`${target.met ? 'PASS' : 'MISS'} ${target.description}`);
    }
  });
});
