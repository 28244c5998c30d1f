import { join } from 'node:path';
import { standardCases } from '../cases';
import type { BenchCase, CaseModule } from './bench-case';
import { prepareCase, type TimedCase } from './timed-case';

// bench/tsconfig.json and bench/tsconfig.legacy.json emit to bench/.build/standard and
// bench/.build/legacy, each mirroring the repository; this file runs from the standard build.
const legacyCasesFile = join(__dirname, '..', '..', '..', 'legacy', 'bench', 'legacy', 'cases.js');

/** The legacy build is a separate TypeScript program, so it is loaded at run time, not imported. */
function loadLegacyCases(): CaseModule {
  const loaded = require(legacyCasesFile) as { legacyCases?: unknown };
  if (typeof loaded.legacyCases !== 'function') {
    throw new Error(`${legacyCasesFile} exports no legacyCases()`);
  }
  return (loaded.legacyCases as () => CaseModule)();
}

const libraryOrder: readonly BenchCase['library'][] = [
  'baseline',
  'tenacious',
  'cockatiel',
  'p-retry',
  'typescript-retry-decorator',
];

export interface LoadedCases {
  readonly cases: readonly TimedCase[];
  readonly standardMode: string;
  readonly legacyMode: string;
}

/** Every case of both builds, each with its own loop; baseline first, then tenacious, then peers. */
export async function loadCases(): Promise<LoadedCases> {
  const standard = await standardCases();
  const legacy = loadLegacyCases();
  if (standard.decoratorMode !== 'standard' || legacy.decoratorMode !== 'legacy') {
    throw new Error(
      `decorators compiled in the wrong mode: standard build ${standard.decoratorMode}, legacy build ${legacy.decoratorMode}`,
    );
  }
  const cases = [
    ...standard.cases.map((benchCase) => prepareCase(benchCase, standard.decoratorMode)),
    ...legacy.cases.map((benchCase) => prepareCase(benchCase, legacy.decoratorMode)),
  ].sort(
    (left, right) =>
      libraryOrder.indexOf(left.benchCase.library) -
        libraryOrder.indexOf(right.benchCase.library) ||
      left.benchCase.name.localeCompare(right.benchCase.name, 'en'),
  );
  const names = new Set(cases.map((timedCase) => timedCase.benchCase.name));
  if (names.size !== cases.length) throw new Error('two cases have the same name');
  return { cases, standardMode: standard.decoratorMode, legacyMode: legacy.decoratorMode };
}
