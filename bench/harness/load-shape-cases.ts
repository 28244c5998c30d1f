import type { BenchCase, ShapeName } from './bench-case';
import type { GeneratedCase } from './shape-cases';
import { shapeCaseName } from './shape-cases';
import { prepareCase, type TimedCase } from './timed-case';

export interface LoadedCases {
  readonly cases: readonly TimedCase[];
  readonly decoratorModes?: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly notes: readonly string[];
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

export function loadGeneratedCall(generatedCase: GeneratedCase): BenchCase['call'] {
  const loaded = require(generatedCase.file) as { call?: unknown };
  if (typeof loaded.call !== 'function') throw new Error(`${generatedCase.file} exports no call`);
  return loaded.call as BenchCase['call'];
}

export function checkUniqueNames(cases: readonly TimedCase[]): void {
  const names = new Set(cases.map((timedCase) => timedCase.benchCase.name));
  if (names.size !== cases.length) throw new Error('two cases have the same name');
}
