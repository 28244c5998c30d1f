import ts from 'typescript';
import { parseOptions } from '../../bench/harness/options';
import { shapeCaseName, shapeCaseSource } from '../../bench/harness/shape-cases';
import type { CaseResult } from '../../bench/harness/case-result';
import type { GroupResult } from '../../bench/harness/group-protocol';
import { policyCaseName } from '../../bench/harness/policy-names';
import { evaluateTargets, targetStatus } from '../../bench/harness/targets';

describe('npm run bench options', () => {
  it('reads the Node versions or binaries to run under, and where the reports go', () => {
    expect(parseOptions(['--node', '22,24', '--results-dir', 'out'])).toMatchObject({
      nodes: ['22', '24'],
      resultsDirectory: 'out',
    });
    expect(parseOptions(['--node', '/opt/node/bin/node']).nodes).toEqual(['/opt/node/bin/node']);
    expect(parseOptions([])).toMatchObject({ nodes: [], resultsDirectory: 'bench/results' });
  });

  it.each([
    [['--node'], /--node needs versions or paths/],
    [['--node', '22,,24'], /--node needs versions or paths/],
    [['--results-dir'], /--results-dir needs a directory/],
    [['--rounds', '0'], /--rounds needs an integer >= 1/],
    [['--out', 'x.json'], /unknown argument "--out"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });
});

describe('the generated shape cases', () => {
  /** The class declarations of a case's source, by name. */
  function classNames(source: string): string[] {
    return [...source.matchAll(/^class (\w+)/gm)].map((match) => match[1]);
  }

  it.each([
    ['one class', ['Service0'], 'target.method(value)'],
    ['two classes', ['Service0', 'Service1'], 'targets[value & 1].method(value)'],
    [
      'eight classes',
      [
        'Service0',
        'Service1',
        'Service2',
        'Service3',
        'Service4',
        'Service5',
        'Service6',
        'Service7',
      ],
      'targets[value & 7].method(value)',
    ],
    [
      'inherited via two subclasses',
      ['Base', 'SubclassA', 'SubclassB'],
      'targets[value & 1].method(value)',
    ],
    ['five arguments', ['Service0'], 'target.method(value, 1, 2, 3, 4)'],
  ] as const)(
    '%s: every class is its own literal, called from the module’s own call site',
    (shape, classes, callSite) => {
      const source = shapeCaseSource(shape, 'sync', '@Retry');
      expect(classNames(source)).toEqual(classes);
      expect(source).toContain(`=> ${callSite};`);
      // The decorator is on the method of each class that declares one (not on the subclasses).
      const decorated = source.match(/@Retry\(retryOnlyOptions\)/g) ?? [];
      expect(decorated).toHaveLength(shape === 'inherited via two subclasses' ? 1 : classes.length);
      expect(source).toContain(JSON.stringify(shapeCaseName(shape, 'sync', '@Retry')));
    },
  );

  it.each([
    ['direct', [] as string[]],
    ['hand-written wrapper', ['@retryAsync']],
    ['@Retry', ['@Retry(retryOnlyOptions)']],
    ['@Retry + breaker + budget', ['@Retry(breakerRetryOptions)', '@CircuitBreaker()']],
  ] as const)(
    '%s: applies its decorators, and the source compiles as TypeScript',
    (wrapper, decorators) => {
      const source = shapeCaseSource('one class', 'async', wrapper);
      for (const decorator of decorators) expect(source).toContain(decorator);
      if (decorators.length === 0) expect(source).not.toMatch(/^\s+@/m);
      const { diagnostics } = ts.transpileModule(source, {
        reportDiagnostics: true,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
      });
      expect(diagnostics).toEqual([]);
    },
  );
});

describe('the targets', () => {
  it('are N/A, not missed, when a group or case is not there', () => {
    const targets = evaluateTargets([]);
    expect(targets.length).toBeGreaterThan(50);
    expect(targets.every((target) => targetStatus(target) === 'N/A')).toBe(true);
    expect(new Set(targets.map((target) => target.id)).size).toBe(targets.length);
  });

  /** A policies group with the given cases' extra nanoseconds and extra bytes per call. */
  function policiesGroup(figures: Record<string, [number, number]>): GroupResult {
    const results = Object.entries(figures).map(
      ([name, [extraNanoseconds, extraBytesPerCall]]) =>
        ({ name, extraNanoseconds, extraBytesPerCall }) as CaseResult,
    );
    return { group: 'policies', environment: {} as GroupResult['environment'], results, notes: [] };
  }

  const target = (targets: ReturnType<typeof evaluateTargets>, id: string) =>
    targets.find((candidate) => candidate.id === id);

  it('hold a policy to its hand-written equivalent, and to nothing allocated when sync but the clock', () => {
    const targets = evaluateTargets([
      policiesGroup({
        [policyCaseName('fallback', 'sync', 'tenacious, budget: false')]: [2, 0.4],
        [policyCaseName('fallback', 'sync', 'hand-written')]: [1, 0],
        [policyCaseName('fallback', 'async', 'tenacious, budget: false')]: [30, 96],
        [policyCaseName('fallback', 'async', 'hand-written')]: [40, 96],
        [policyCaseName('timeout', 'async', 'tenacious, budget: false')]: [300, 500],
        [policyCaseName('timeout', 'async', 'hand-written')]: [400, 480],
        [policyCaseName('timeout', 'async', 'cockatiel 4')]: [900, 4000],
        [policyCaseName('rate limit', 'sync', 'tenacious, budget: false')]: [1, 16],
        [policyCaseName('rate limit', 'sync', 'hand-written')]: [1, 16],
      }),
    ]);
    expect(target(targets, 'policy-vs-hand-written/fallback/sync')?.met).toBe(false);
    expect(target(targets, 'policy-allocation/fallback/sync')?.met).toBe(true);
    expect(target(targets, 'policy-vs-hand-written/fallback/async')?.met).toBe(true);
    expect(target(targets, 'policy-allocation/fallback/async')).toMatchObject({
      limit: 96,
      met: true,
    });
    expect(target(targets, 'policy-allocation/timeout/async')).toMatchObject({
      limit: 480,
      met: false,
    });
    expect(target(targets, 'policy-vs-cockatiel-4/timeout')?.met).toBe(true);
    // A sync rate limit reads the clock for every unit, as its hand-written equivalent does, and
    // `Date.now()` is a boxed number: it is held to that one allocation.
    expect(target(targets, 'policy-allocation/rate limit/sync')).toMatchObject({
      limit: 16,
      met: true,
    });
    for (const id of ['policy-vs-hand-written/hedge/async', 'policy-vs-cockatiel-4/bulkhead']) {
      expect(target(targets, id)).toMatchObject({
        met: null,
        detail: expect.stringMatching(/^not available: this build exports no /),
      });
    }
  });
});
