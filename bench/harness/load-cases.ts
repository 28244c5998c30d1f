import { join } from 'node:path';
import { standardCases } from '../cases';
import { currentPeersAvailable } from '../cases/node-version';
import type { BenchCase, CaseModule, Library, ShapeName } from './bench-case';
import { breakerPeerCaseName, withRetryCaseName } from './case-names';
import { legacyBuild } from './paths';
import type { GeneratedCase } from './shape-cases';
import { shapeCaseName } from './shape-cases';
import { prepareCase, type TimedCase } from './timed-case';

const legacyCasesFile = join(legacyBuild, 'bench', 'legacy', 'cases.js');

/** The legacy build is a separate TypeScript program, so it is loaded at run time, not imported. */
function loadLegacyCases(): CaseModule {
  const loaded = require(legacyCasesFile) as { legacyCases?: unknown };
  if (typeof loaded.legacyCases !== 'function') {
    throw new Error(`${legacyCasesFile} exports no legacyCases()`);
  }
  return (loaded.legacyCases as () => CaseModule)();
}

const libraryOrder: readonly Library[] = [
  'baseline',
  'tenacious',
  'hand-written',
  'cockatiel',
  'p-retry',
  'opossum',
  'typescript-retry-decorator',
];

export interface LoadedCases {
  readonly cases: readonly TimedCase[];
  readonly decoratorModes?: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly notes: readonly string[];
}

/**
 * tenacious's entry points as users write them, against the peer libraries, with the direct calls
 * they are compared with: both builds (Stage-3 and legacy decorators); baseline first, then
 * tenacious, then the peers.
 */
export async function loadPeerCases(generated: readonly GeneratedCase[]): Promise<LoadedCases> {
  const standard = await standardCases();
  const legacy = loadLegacyCases();
  if (standard.decoratorMode !== 'standard' || legacy.decoratorMode !== 'legacy') {
    throw new Error(
      `decorators compiled in the wrong mode: standard build ${standard.decoratorMode}, legacy build ${legacy.decoratorMode}`,
    );
  }
  const notes: string[] = [];
  const breakerCase = generated.find(
    (candidate) =>
      candidate.name === shapeCaseName('one class', 'async', '@Retry + breaker + budget'),
  );
  const breakerCases: BenchCase[] = [];
  if (breakerCase === undefined) {
    notes.push(
      `${breakerPeerCaseName}: not available (this build exports no CircuitBreaker and RetryBudget)`,
    );
  } else {
    breakerCases.push({
      name: breakerPeerCaseName,
      kind: 'async',
      library: 'tenacious',
      call: loadGeneratedCall(breakerCase),
    });
  }
  if (!standard.cases.some((benchCase) => benchCase.name === withRetryCaseName)) {
    notes.push('tenacious withRetry: not available (this build exports no withRetry)');
  }
  if (!currentPeersAvailable) {
    notes.push(
      'cockatiel 4, p-retry 9 and opossum 10 need Node 22: cockatiel 3 and p-retry 7 stand in for them',
    );
  }
  const cases = [
    ...[...standard.cases, ...breakerCases].map((benchCase) =>
      prepareCase(benchCase, standard.decoratorMode),
    ),
    ...legacy.cases.map((benchCase) => prepareCase(benchCase, legacy.decoratorMode)),
  ].sort(
    (left, right) =>
      libraryOrder.indexOf(left.benchCase.library) -
        libraryOrder.indexOf(right.benchCase.library) ||
      left.benchCase.name.localeCompare(right.benchCase.name, 'en'),
  );
  checkUniqueNames(cases);
  return {
    cases,
    decoratorModes: { standardBuild: standard.decoratorMode, legacyBuild: legacy.decoratorMode },
    notes,
  };
}

/** The generated cases of the given shapes, in shape, kind and wrapper order. */
export function loadShapeCases(
  generated: readonly GeneratedCase[],
  shapes: readonly ShapeName[],
): LoadedCases {
  const cases = generated
    .filter((generatedCase) => shapes.includes(generatedCase.shape))
    .map((generatedCase): BenchCase => {
      const { name, shape, kind, wrapper } = generatedCase;
      return {
        name,
        kind,
        shape,
        wrapper,
        library:
          wrapper === 'direct'
            ? 'baseline'
            : wrapper === 'hand-written wrapper'
              ? 'hand-written'
              : 'tenacious',
        baseline: shapeCaseName(shape, kind, 'direct'),
        call: loadGeneratedCall(generatedCase),
      };
    })
    .map((benchCase) => prepareCase(benchCase, 'standard'));
  checkUniqueNames(cases);
  return { cases, notes: [] };
}

function loadGeneratedCall(generatedCase: GeneratedCase): BenchCase['call'] {
  const loaded = require(generatedCase.file) as { call?: unknown };
  if (typeof loaded.call !== 'function') throw new Error(`${generatedCase.file} exports no call`);
  return loaded.call as BenchCase['call'];
}

function checkUniqueNames(cases: readonly TimedCase[]): void {
  const names = new Set(cases.map((timedCase) => timedCase.benchCase.name));
  if (names.size !== cases.length) throw new Error('two cases have the same name');
}
