import { join } from 'node:path';
import { standardCases } from '../cases';
import { currentPeersAvailable } from '../cases/node-version';
import type { BenchCase, CaseModule, Library } from './bench-case';
import { breakerPeerCaseName, withRetryCaseName } from './case-names';
import { legacyBuild } from './paths';
import { checkUniqueNames, loadGeneratedCall, type LoadedCases } from './load-shape-cases';
import { shapeCaseName, type GeneratedCase } from './shape-cases';
import { prepareCase } from './timed-case';

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

// Only the peers group's process loads this module (group.ts requires it on demand): it defines
// the peers' decorated classes, which the shape groups' processes must not have.

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
