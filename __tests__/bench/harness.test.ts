import ts from 'typescript';
import { parseOptions } from '../../bench/harness/options';
import { shapeCaseName, shapeCaseSource } from '../../bench/harness/shape-cases';
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
});
