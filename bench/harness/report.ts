import { shapeNames, type CallKind, type WrapperName } from './bench-case';
import { directCaseNames, type CaseResult } from './case-result';
import type { Environment } from './environment';
import type { GroupResult } from './group-protocol';
import { cleanGroup, peersGroup, poisonedGroup, policyGroups } from './groups';
import type { BenchOptions } from './options';
import {
  allPolicyCases,
  cockatielPolicies,
  policyCaseName,
  policyDecorators,
  type PolicyName,
  type PolicyVariant,
} from './policy-names';
import { targetStatus, type TargetResult } from './targets';

/** Everything one Node version's run produced: the JSON written to bench/results/node-<major>.json. */
export interface BenchReport {
  readonly generatedAt: string;
  readonly environment: Environment;
  readonly options: BenchOptions;
  readonly decoratorModes: { readonly standardBuild: string; readonly legacyBuild: string } | null;
  /** Whether this build of tenacious has the exports the optional cases need. */
  readonly available: {
    readonly breakerAndBudget: boolean;
    /** Per policy of the policies group: whether this build exports its decorator. */
    readonly policies: Readonly<Record<PolicyName, boolean>>;
  };
  readonly groups: readonly GroupResult[];
  readonly notes: readonly string[];
  readonly targets: readonly TargetResult[];
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(columns: readonly string[], leftAligned = 1): string[] {
  return [row(columns), row(columns.map((_, index) => (index < leftAligned ? '---' : '---:')))];
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

const peerColumns = ['case', 'ns/call', 'extra ns', 'x direct', 'spread', 'B/call', 'extra B'];

function peerRow(result: CaseResult): string {
  return row([
    result.name,
    fixed(result.nanosecondsPerCall, 1),
    fixed(result.extraNanoseconds, 1),
    fixed(result.ratio, 2),
    `${(result.spread * 100).toFixed(1)}%`,
    fixed(result.bytesPerCall, 0),
    fixed(result.extraBytesPerCall, 0),
  ]);
}

const kinds: readonly CallKind[] = ['async', 'sync'];
const measuredWrappers: readonly WrapperName[] = [
  'hand-written wrapper',
  '@Retry',
  '@Retry + breaker + budget',
];

function shapeTable(report: BenchReport, variant: 'clean' | 'poisoned'): string[] {
  const lines = header(
    [
      'shape',
      'kind',
      'direct ns',
      'wrapper +ns',
      '@Retry +ns',
      'breaker+budget +ns',
      'wrapper +B',
      '@Retry +B',
      'breaker+budget +B',
    ],
    2,
  );
  for (const shape of shapeNames) {
    const group = variant === 'clean' ? cleanGroup(shape) : poisonedGroup;
    const results = report.groups.find((candidate) => candidate.group === group)?.results ?? [];
    for (const kind of kinds) {
      const find = (wrapper: WrapperName): CaseResult | undefined =>
        results.find(
          (result) => result.shape === shape && result.kind === kind && result.wrapper === wrapper,
        );
      const absent = (wrapper: WrapperName): string =>
        wrapper === '@Retry + breaker + budget' && !report.available.breakerAndBudget ? 'n/a' : '-';
      lines.push(
        row([
          shape,
          kind,
          fixed(find('direct')?.nanosecondsPerCall, 1),
          ...measuredWrappers.map((wrapper) =>
            find(wrapper) === undefined
              ? absent(wrapper)
              : fixed(find(wrapper)?.extraNanoseconds, 1),
          ),
          ...measuredWrappers.map((wrapper) =>
            find(wrapper) === undefined
              ? absent(wrapper)
              : fixed(find(wrapper)?.extraBytesPerCall, 0),
          ),
        ]),
      );
    }
  }
  return lines;
}

function poisonTable(report: BenchReport): string[] {
  const wrappers: readonly WrapperName[] = ['direct', ...measuredWrappers];
  const lines = header(['shape', 'kind', ...wrappers.map((wrapper) => `${wrapper} x`)], 2);
  const results = (group: string): readonly CaseResult[] =>
    report.groups.find((candidate) => candidate.group === group)?.results ?? [];
  for (const shape of shapeNames) {
    for (const kind of kinds) {
      const cells = wrappers.map((wrapper) => {
        const pick = (group: string): CaseResult | undefined =>
          results(group).find(
            (result) =>
              result.shape === shape && result.kind === kind && result.wrapper === wrapper,
          );
        const clean = pick(cleanGroup(shape));
        const poisoned = pick(poisonedGroup);
        if (clean === undefined || poisoned === undefined) return 'n/a';
        return (poisoned.nanosecondsPerCall / clean.nanosecondsPerCall).toFixed(2);
      });
      lines.push(row([shape, kind, ...cells]));
    }
  }
  return lines;
}

const policyColumns = [
  'policy',
  'kind',
  'case',
  'ns/call',
  'extra ns',
  'spread',
  'B/call',
  'extra B',
  'vs hand-written',
  'vs cockatiel 4',
];

const signed = (value: number, digits: number, unit: string): string =>
  `${value >= 0 ? '+' : ''}${value.toFixed(digits)} ${unit}`;

/**
 * Each policy alone: every variant's extra time and bytes over the direct call, and, for
 * tenacious's, the difference from the hand-written equivalent's and cockatiel 4's extra time.
 */
function policyTable(report: BenchReport): string[] {
  const lines = header(policyColumns, 3);
  const groups = policyGroups.map(
    (name) => report.groups.find((group) => group.group === name)?.results ?? [],
  );
  const results = groups.flat();
  const find = (name: string): CaseResult | undefined =>
    results.find((result) => result.name === name);
  // The baselines first: each process's own direct calls (groups.ts: why two processes).
  policyGroups.forEach((groupName, index) => {
    for (const kind of kinds) {
      const direct = groups[index]!.find((result) => result.name === directCaseNames[kind]);
      lines.push(
        row([
          'direct',
          kind,
          `${directCaseNames[kind]} (process: ${groupName})`,
          fixed(direct?.nanosecondsPerCall, 1),
          fixed(direct?.extraNanoseconds, 1),
          direct === undefined ? '-' : `${(direct.spread * 100).toFixed(1)}%`,
          fixed(direct?.bytesPerCall, 0),
          fixed(direct?.extraBytesPerCall, 0),
          '',
          '',
        ]),
      );
    }
  });
  for (const { policy, kind, variant } of allPolicyCases()) {
    const result = find(policyCaseName(policy, kind, variant));
    const label =
      variant === 'hand-written'
        ? 'hand-written'
        : variant === 'cockatiel 4'
          ? `cockatiel 4 ${cockatielPolicies[policy] ?? ''}`
          : `tenacious ${policyDecorators[policy]}${variant === 'tenacious' ? ' (default budget)' : ' (budget: false)'}`;
    if (result === undefined) {
      const why =
        variant.startsWith('tenacious') && !report.available.policies[policy]
          ? 'n/a'
          : variant === 'cockatiel 4'
            ? 'Node 22+'
            : '-';
      lines.push(row([policy, kind, label, ...policyColumns.slice(3).map(() => why)]));
      continue;
    }
    const against = (other: PolicyVariant): string => {
      const compared = find(policyCaseName(policy, kind, other));
      return variant.startsWith('tenacious') && compared !== undefined
        ? signed(result.extraNanoseconds - compared.extraNanoseconds, 1, 'ns')
        : '';
    };
    lines.push(
      row([
        policy,
        kind,
        label,
        fixed(result.nanosecondsPerCall, 1),
        fixed(result.extraNanoseconds, 1),
        `${(result.spread * 100).toFixed(1)}%`,
        fixed(result.bytesPerCall, 0),
        fixed(result.extraBytesPerCall, 0),
        against('hand-written'),
        against('cockatiel 4'),
      ]),
    );
  }
  return lines;
}

/** One Node version's tables as Markdown, so a run's output can be pasted into bench/README.md. */
export function formatReport(report: BenchReport): string {
  const { environment, options } = report;
  const peers = report.groups.find((group) => group.group === peersGroup)?.results ?? [];
  const lines = [
    `## Node ${environment.node} (V8 ${environment.v8})`,
    '',
    `${environment.platform}, ${environment.cpuCount} x ${environment.cpu}; load average (1 min): ${environment.loadAverageAtStart.toFixed(2)} at start, ${environment.loadAverageAtEnd.toFixed(2)} at end`,
    `${options.rounds} rounds (median) after ${options.warmupRounds} warm-up, ${options.calls} calls per case per round, seed ${options.seed}; ` +
      `allocation: median of ${options.allocationBatches} batches of ${options.allocationCalls} calls`,
    report.decoratorModes === null
      ? 'decorators: not checked'
      : `decorators compiled as: bench/tsconfig.json ${report.decoratorModes.standardBuild}, bench/tsconfig.legacy.json ${report.decoratorModes.legacyBuild}; shape cases: standard`,
    ...report.notes.map((note) => `note: ${note}`),
    '',
    '### Entry points and peers (one class, one call site)',
    '',
    ...header(peerColumns),
  ];
  for (const kind of kinds) {
    for (const result of peers) if (result.kind === kind) lines.push(peerRow(result));
  }
  lines.push(
    '',
    '### Resilience policies alone (one class, one call site): extra over the direct call of the same kind',
    '',
    ...policyTable(report),
    '',
    '### Shapes, each in a process of its own (clean): extra over the direct call of the same shape',
    '',
    ...shapeTable(report, 'clean'),
    '',
    '### Shapes after the inherited method was called through two subclasses (poisoned, one process)',
    '',
    ...shapeTable(report, 'poisoned'),
    '',
    '### Poisoned time / clean time',
    '',
    ...poisonTable(report),
    '',
    '### Targets',
    '',
  );
  for (const target of report.targets) {
    lines.push(`- ${targetStatus(target)} ${target.description}: ${target.detail}`);
  }
  return lines.join('\n');
}

const summaryCategories: readonly { readonly prefix: string; readonly title: string }[] = [
  {
    prefix: 'retry-vs-wrapper/clean/',
    title:
      '@Retry (retry lanes only) adds <= the hand-written wrapper, each shape in its own process',
  },
  {
    prefix: 'retry-vs-wrapper/poisoned/',
    title:
      '@Retry (retry lanes only) adds <= the hand-written wrapper, after the inherited method ran',
  },
  {
    prefix: 'poisoned-vs-clean/',
    title: "no shape's time changes when the inherited method ran elsewhere in the process",
  },
  {
    prefix: 'breaker-vs-wrapper/',
    title: '@Retry + breaker + default budget adds <= 1.5x the wrapper',
  },
  {
    prefix: 'breaker-allocation/',
    title: '@Retry + breaker + default budget allocates nothing beyond @Retry',
  },
  { prefix: 'withRetry-vs-p-retry', title: 'withRetry(fn, sameOptionsObject) <= p-retry per call' },
  {
    prefix: 'breaker-vs-cockatiel-4',
    title: "@Retry + @CircuitBreaker + budget adds <= a fifth of cockatiel 4's retry + breaker",
  },
  {
    prefix: 'policy-vs-hand-written/',
    title: "each policy alone adds <= its hand-written equivalent's time",
  },
  {
    prefix: 'policy-allocation/',
    title:
      'each policy alone allocates nothing its job does not need (sync: nothing; async, timer: <= hand-written)',
  },
  {
    prefix: 'policy-vs-cockatiel-4/',
    title: "@Timeout and @ConcurrencyLimit add <= cockatiel 4's timeout and bulkhead",
  },
  {
    prefix: 'issue-4-ratio/',
    title: '@Retry <= 1.8x (async) / 1.5x (sync) a direct call (issue 4)',
  },
  {
    prefix: 'issue-4-bytes/',
    title: '@Retry async allocates <= 200 B beyond a direct call (issue 4)',
  },
];

function summaryCell(targets: readonly TargetResult[], prefix: string): string {
  const measurable = targets.filter((target) => target.met !== null);
  if (measurable.length === 0) return 'N/A';
  const missed = measurable.filter((target) => target.met === false);
  const passed = measurable.length - missed.length;
  const verdict = `${missed.length === 0 ? 'PASS' : 'MISS'} ${passed}/${measurable.length}`;
  if (missed.length === 0) return verdict;
  const names = missed.map((target) => target.id.slice(prefix.length) || target.id);
  // The version's own list of targets has every one; a few names are enough here.
  const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  return `${verdict}; missed: ${shown.join(', ')}`;
}

/** One line per kind of target, one column per Node version: how many of its targets passed. */
export function formatSummary(reports: readonly BenchReport[]): string {
  const versions = reports.map((report) => `Node ${report.environment.node}`);
  const lines = ['## Summary: targets by Node version', '', ...header(['target', ...versions])];
  for (const { prefix, title } of summaryCategories) {
    const cells = reports.map((report) =>
      summaryCell(
        report.targets.filter((target) => target.id.startsWith(prefix)),
        prefix,
      ),
    );
    lines.push(row([title, ...cells]));
  }
  const counts = reports.map((report) => {
    const statuses = report.targets.map(targetStatus);
    const count = (status: string): number =>
      statuses.filter((candidate) => candidate === status).length;
    return `${count('PASS')} PASS, ${count('MISS')} MISS, ${count('N/A')} N/A`;
  });
  lines.push(row(['all targets', ...counts]));
  return lines.join('\n');
}
