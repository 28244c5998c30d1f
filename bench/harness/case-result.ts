import type {
  BenchCase,
  CallKind,
  DecoratorMode,
  Library,
  ShapeName,
  WrapperName,
} from './bench-case';
import { median, quantile } from './statistics';
import type { TimedCase } from './timed-case';

/** One case's figures; "extra" and "ratio" are against its direct call (see `baselineName`). */
export interface CaseResult {
  readonly name: string;
  readonly kind: CallKind;
  readonly library: Library;
  readonly decoratorMode: DecoratorMode;
  readonly shape: ShapeName | null;
  readonly wrapper: WrapperName | null;
  /** The direct case it is compared with. */
  readonly baselineName: string;
  /** Median over the timed rounds. */
  readonly nanosecondsPerCall: number;
  readonly extraNanoseconds: number;
  readonly ratio: number;
  /** Interquartile range of the rounds, as a fraction of the median: how noisy the figure is. */
  readonly spread: number;
  readonly samples: readonly number[];
  /** Heap bytes allocated per call (null when not measured). */
  readonly bytesPerCall: number | null;
  readonly extraBytesPerCall: number | null;
}

export const directCaseNames: Record<CallKind, string> = {
  async: 'direct async method',
  sync: 'direct sync method',
};

export function baselineNameOf(benchCase: BenchCase): string {
  return benchCase.baseline ?? directCaseNames[benchCase.kind];
}

export function summarise(
  cases: readonly TimedCase[],
  samples: ReadonlyMap<TimedCase, readonly number[]>,
  bytes: ReadonlyMap<TimedCase, number>,
): CaseResult[] {
  const baseline = (name: string): TimedCase => {
    const found = cases.find((timedCase) => timedCase.benchCase.name === name);
    if (found === undefined) throw new Error(`no case named "${name}"`);
    return found;
  };
  return cases.map((timedCase) => {
    const { name, kind, library } = timedCase.benchCase;
    const baselineName = baselineNameOf(timedCase.benchCase);
    const ownSamples = samples.get(timedCase) ?? [];
    const nanosecondsPerCall = median(ownSamples);
    const direct = baseline(baselineName);
    const directNanoseconds = median(samples.get(direct) ?? []);
    const ownBytes = bytes.get(timedCase);
    const directBytes = bytes.get(direct);
    return {
      name,
      kind,
      library,
      decoratorMode: timedCase.decoratorMode,
      shape: timedCase.benchCase.shape ?? null,
      wrapper: timedCase.benchCase.wrapper ?? null,
      baselineName,
      nanosecondsPerCall,
      extraNanoseconds: nanosecondsPerCall - directNanoseconds,
      ratio: nanosecondsPerCall / directNanoseconds,
      spread: (quantile(ownSamples, 0.75) - quantile(ownSamples, 0.25)) / nanosecondsPerCall,
      samples: ownSamples,
      bytesPerCall: ownBytes ?? null,
      extraBytesPerCall:
        ownBytes === undefined || directBytes === undefined ? null : ownBytes - directBytes,
    };
  });
}
