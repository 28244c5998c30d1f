import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// `npm run bench` on a tiny configuration, in a child process: it builds both decorator modes,
// generates the shape cases, runs every group in its own process and reports each case and each
// target. Nothing here is timed; the numbers only have to exist.
const run = promisify(execFile);
const repositoryRoot = join(__dirname, '..', '..');
const nodeMajor = Number(process.versions.node.split('.')[0]);
const currentPeers = nodeMajor >= 22;

const peerCases = [
  'direct async method',
  'tenacious @Retry async (Stage-3)',
  'tenacious @Retry async (legacy)',
  'tenacious retryable async',
  'tenacious withRetry (same options object)',
  ...(currentPeers
    ? [
        'cockatiel 4 retry().execute',
        'cockatiel 4 wrap(retry, circuitBreaker).execute',
        'p-retry 9 pRetry',
        'opossum 10 fire()',
      ]
    : ['cockatiel 3 retry().execute', 'cockatiel 3 @usePolicy', 'p-retry 7 pRetry']),
  'typescript-retry-decorator @Retryable',
  'direct sync method',
  'tenacious @Retry sync (Stage-3)',
  'tenacious @Retry sync (legacy)',
  'tenacious retryable sync',
];
const breakerPeerCase = 'tenacious @Retry + @CircuitBreaker + budget async (Stage-3)';

const shapes = [
  'one class',
  'two classes',
  'eight classes',
  'inherited via two subclasses',
  'five arguments',
];
const kinds = ['async', 'sync'];

// The policy groups (issue 13): each policy alone, sync too where it can work on a sync method.
// Those whose calls run in an AsyncLocalStorage have a process of their own (groups.ts).
const policiesGroup = 'policies';
const attemptContextGroup = 'policies with an attempt context';
const policies = [
  {
    policy: 'timeout',
    exportName: 'Timeout',
    kinds: ['async'],
    cockatiel: true,
    group: attemptContextGroup,
  },
  {
    policy: 'hedge',
    exportName: 'Hedge',
    kinds: ['async'],
    cockatiel: false,
    group: attemptContextGroup,
  },
  {
    policy: 'concurrency limit',
    exportName: 'ConcurrencyLimit',
    kinds,
    cockatiel: true,
    group: policiesGroup,
  },
  { policy: 'rate limit', exportName: 'RateLimit', kinds, cockatiel: false, group: policiesGroup },
  { policy: 'fallback', exportName: 'Fallback', kinds, cockatiel: true, group: policiesGroup },
] as const;
const tenaciousVariants = ['tenacious', 'tenacious, budget: false'];

/** A policy group's cases this build and this Node run. */
function expectedPolicyCases(
  group: string,
  available: Readonly<Record<string, boolean>>,
): string[] {
  return [
    'direct async method',
    'direct sync method',
    ...policies
      .filter((policy) => policy.group === group)
      .flatMap(({ policy, kinds: policyKinds, cockatiel }) =>
        policyKinds.flatMap((kind) =>
          [
            ...(available[policy] ? tenaciousVariants : []),
            'hand-written',
            ...(cockatiel && kind === 'async' && currentPeers ? ['cockatiel 4'] : []),
          ].map((variant) => `${policy}, ${kind}: ${variant}`),
        ),
      ),
  ];
}
const baseWrappers = ['direct', 'hand-written wrapper', '@Retry'];
const breakerWrapper = '@Retry + breaker + budget';

interface ReportedCase {
  readonly name: string;
  readonly kind: string;
  readonly shape: string | null;
  readonly wrapper: string | null;
  readonly decoratorMode: string;
  readonly nanosecondsPerCall: number;
  readonly ratio: number;
  readonly bytesPerCall: number | null;
}

interface Report {
  readonly environment: { readonly node: string };
  readonly decoratorModes: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly available: {
    readonly breakerAndBudget: boolean;
    readonly policies: Readonly<Record<string, boolean>>;
  };
  readonly groups: readonly { readonly group: string; readonly results: readonly ReportedCase[] }[];
  readonly targets: readonly {
    readonly id: string;
    readonly description: string;
    readonly met: boolean | null;
    readonly detail: string;
  }[];
  readonly notes: readonly string[];
}

let directory: string;
let output: string;
let report: Report;
let resultFiles: string[];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tenacious-bench-'));
  const flags = [
    '--rounds',
    '1',
    '--warmup',
    '0',
    '--calls',
    '64',
    '--alloc-calls',
    '64',
    '--alloc-batches',
    '1',
    // The machine's own Node, named by its path: a version would be resolved by
    // scripts/node-binary.sh, which may download one.
    '--node',
    process.execPath,
    '--results-dir',
    directory,
  ];
  const { stdout } = await run('npm', ['run', '--silent', 'bench', '--', ...flags], {
    cwd: repositoryRoot,
    timeout: 170_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  output = stdout;
  resultFiles = await readdir(directory);
  report = JSON.parse(await readFile(join(directory, `node-${nodeMajor}.json`), 'utf8')) as Report;
}, 180_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The cells of the first table row whose leading cells are `leading`, after them. */
function tableRow(...leading: string[]): string[] | undefined {
  const prefix = `| ${leading.join(' | ')} |`;
  const line = output.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line
    ?.slice(prefix.length)
    .split('|')
    .slice(0, -1)
    .map((cell) => cell.trim());
}

function groupResults(group: string): readonly ReportedCase[] {
  return report.groups.find((candidate) => candidate.group === group)?.results ?? [];
}

const finitePositive = (value: number): boolean => Number.isFinite(value) && value > 0;

describe('npm run bench on a tiny configuration', () => {
  it('writes one JSON report per Node version, named by its major version', () => {
    expect(resultFiles).toEqual([`node-${nodeMajor}.json`]);
    expect(report.environment.node).toBe(process.version);
  });

  it.each(peerCases)('reports the peer case %s in the table and the JSON', (name) => {
    const row = tableRow(name);
    expect(row).toBeDefined();
    const [nanoseconds, , ratio, , bytes] = row!.map(Number);
    expect(finitePositive(nanoseconds) && finitePositive(ratio)).toBe(true);
    expect(Number.isFinite(bytes)).toBe(true);
    const reported = groupResults('peers').find((result) => result.name === name);
    expect(finitePositive(reported!.nanosecondsPerCall)).toBe(true);
    expect(Number.isFinite(reported!.bytesPerCall)).toBe(true);
  });

  it('reports no peer case beyond the expected ones', () => {
    const expected = report.available.breakerAndBudget
      ? [...peerCases, breakerPeerCase]
      : peerCases;
    expect(
      groupResults('peers')
        .map((result) => result.name)
        .sort(),
    ).toEqual([...expected].sort());
  });

  it('runs each shape in a process of its own and all of them in the poisoned one', () => {
    expect(report.groups.map((group) => group.group)).toEqual([
      'peers',
      'policies',
      'policies with an attempt context',
      ...shapes.map((shape) => `clean: ${shape}`),
      'poisoned',
    ]);
    const wrappers = report.available.breakerAndBudget
      ? [...baseWrappers, breakerWrapper]
      : baseWrappers;
    for (const shape of shapes) {
      const expected = kinds.flatMap((kind) =>
        wrappers.map((wrapper) => `${shape}, ${kind}: ${wrapper}`),
      );
      const clean = groupResults(`clean: ${shape}`);
      expect(clean.map((result) => result.name).sort()).toEqual([...expected].sort());
      const poisoned = groupResults('poisoned').filter((result) => result.shape === shape);
      expect(poisoned.map((result) => result.name).sort()).toEqual([...expected].sort());
      for (const result of [...clean, ...poisoned]) {
        expect(finitePositive(result.nanosecondsPerCall)).toBe(true);
        expect(Number.isFinite(result.bytesPerCall)).toBe(true);
      }
    }
  });

  it.each(shapes.flatMap((shape) => kinds.map((kind) => [shape, kind])))(
    'prints the %s (%s) row in the clean, poisoned and comparison tables',
    (shape, kind) => {
      const rows = output.split('\n').filter((line) => line.startsWith(`| ${shape} | ${kind} |`));
      // Clean, poisoned, and poisoned / clean.
      expect(rows).toHaveLength(3);
      const [clean, poisoned, comparison] = rows.map((line) =>
        line
          .split('|')
          .slice(3, -1)
          .map((cell) => cell.trim()),
      );
      for (const cells of [clean, poisoned]) {
        // direct ns, then wrapper, @Retry: measured numbers; the breaker: a number or n/a.
        expect(cells.slice(0, 3).map(Number).every(Number.isFinite)).toBe(true);
        if (report.available.breakerAndBudget) {
          expect(Number.isFinite(Number(cells[2 + 1]))).toBe(true);
        } else expect(cells[3]).toBe('n/a');
      }
      // A ratio of two tiny-run timings: it can round to 0.00 when a sub-nanosecond case is noisy.
      const finiteRatio = (value: number) => Number.isFinite(value) && value >= 0;
      expect(comparison.slice(0, 3).map(Number).every(finiteRatio)).toBe(true);
    },
  );

  it.each([policiesGroup, attemptContextGroup])(
    'measures each policy of the %s group alone, its hand-written equivalent and cockatiel 4, in its own process',
    (group) => {
      expect(Object.keys(report.available.policies).sort()).toEqual(
        policies.map(({ policy }) => policy).sort(),
      );
      const results = groupResults(group);
      expect(results.map((result) => result.name).sort()).toEqual(
        expectedPolicyCases(group, report.available.policies).sort(),
      );
      for (const result of results) {
        expect(finitePositive(result.nanosecondsPerCall)).toBe(true);
        expect(Number.isFinite(result.bytesPerCall)).toBe(true);
      }
      for (const kind of kinds) {
        const direct = tableRow('direct', kind, `direct ${kind} method (process: ${group})`);
        expect(Number.isFinite(Number(direct?.[0]))).toBe(true);
      }
    },
  );

  it('names each policy the build does not export', () => {
    for (const { policy, exportName } of policies) {
      const note = `tenacious ${policy}: not available (this build exports no ${exportName})`;
      if (report.available.policies[policy]) expect(report.notes).not.toContain(note);
      else expect(report.notes).toContain(note);
    }
  });

  it.each(
    policies.flatMap(({ policy, kinds: policyKinds }) => policyKinds.map((kind) => [policy, kind])),
  )(
    'prints the %s (%s) rows of the policies table, n/a where this build has no such policy',
    (policy, kind) => {
      const rows = output
        .split('\n')
        .filter((line) => line.startsWith(`| ${policy} | ${kind} | `))
        .map((line) =>
          line
            .split('|')
            .slice(3, -1)
            .map((cell) => cell.trim()),
        );
      const label = (cells: readonly string[]): string => cells[0];
      const handWritten = rows.filter((cells) => label(cells) === 'hand-written');
      expect(handWritten).toHaveLength(1);
      // ns/call, extra ns, then spread, B/call, extra B.
      expect(Number.isFinite(Number(handWritten[0][1]))).toBe(true);
      expect(Number.isFinite(Number(handWritten[0][4]))).toBe(true);
      const ours = rows.filter((cells) => label(cells).startsWith('tenacious @'));
      expect(ours.map(label).map((name) => name.replace(/^.*\(/, '('))).toEqual([
        '(default budget)',
        '(budget: false)',
      ]);
      for (const cells of ours) {
        if (report.available.policies[policy]) {
          expect(Number.isFinite(Number(cells[1]))).toBe(true);
          expect(cells[6]).toMatch(/^[+-]\d+\.\d ns$/);
        } else expect(cells.slice(1).every((cell) => cell === 'n/a')).toBe(true);
      }
    },
  );

  it('compiled the Stage-3 cases with standard decorators and the legacy cases with legacy ones', () => {
    expect(report.decoratorModes).toEqual({ standardBuild: 'standard', legacyBuild: 'legacy' });
    const peers = groupResults('peers');
    expect(
      peers.find((result) => result.name === 'tenacious @Retry async (Stage-3)')?.decoratorMode,
    ).toBe('standard');
    expect(
      peers.find((result) => result.name === 'tenacious @Retry async (legacy)')?.decoratorMode,
    ).toBe('legacy');
  });

  it.each([
    ['retry-vs-wrapper/clean/', 10],
    ['retry-vs-wrapper/poisoned/', 10],
    ['poisoned-vs-clean/', 20],
    ['breaker-vs-wrapper/', 10],
    ['breaker-allocation/', 10],
    ['withRetry-vs-p-retry', 1],
    ['breaker-vs-cockatiel-4', 1],
    ['policy-vs-hand-written/', 8],
    ['policy-allocation/', 8],
    ['policy-vs-cockatiel-4/', 2],
  ])('evaluates the %s targets (%d) and prints each as PASS, MISS or N/A', (prefix, count) => {
    const targets = report.targets.filter((target) => target.id.startsWith(prefix));
    expect(targets).toHaveLength(count);
    for (const target of targets) {
      const status = target.met === null ? 'N/A' : target.met ? 'PASS' : 'MISS';
      expect(output).toContain(`- ${status} ${target.description}: `);
    }
  });

  it('measures the @Retry targets in every shape, and the breaker ones only where it exists', () => {
    for (const target of report.targets) {
      if (target.id.startsWith('retry-vs-wrapper/') || target.id.endsWith('/@Retry')) {
        expect(target.met).not.toBeNull();
      }
      if (target.id.startsWith('breaker-') && !report.available.breakerAndBudget) {
        expect(target.met).toBeNull();
      }
    }
    const cockatiel = report.targets.find((target) => target.id === 'breaker-vs-cockatiel-4');
    if (!currentPeers) expect(cockatiel?.met).toBeNull();
  });

  it('measures a policy target where the build has the policy, and gives N/A, not MISS, where not', () => {
    for (const { policy, exportName } of policies) {
      const targets = report.targets.filter(
        (target) =>
          target.id.startsWith('policy-') &&
          (target.id.includes(`/${policy}/`) ||
            (policy === 'timeout' && target.id === 'policy-vs-cockatiel-4/timeout') ||
            (policy === 'concurrency limit' && target.id === 'policy-vs-cockatiel-4/bulkhead')),
      );
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        if (!report.available.policies[policy]) {
          expect(target.met).toBeNull();
          expect(target.detail).toBe(`not available: this build exports no ${exportName}`);
        } else if (!target.id.startsWith('policy-vs-cockatiel-4/') || currentPeers) {
          expect(target.met).not.toBeNull();
        } else expect(target.met).toBeNull();
      }
    }
  });

  it('ends with the summary of the targets by Node version', () => {
    expect(output).toContain('## Summary: targets by Node version');
    const row = tableRow('all targets');
    expect(row).toHaveLength(1);
    expect(row![0]).toMatch(/^\d+ PASS, \d+ MISS, \d+ N\/A$/);
  });
});
