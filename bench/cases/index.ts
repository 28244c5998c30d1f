import type { CaseModule } from '../harness/bench-case';
import { decoratorModeProbe } from '../harness/decorator-mode';
import { cockatielCases } from './cockatiel';
import { directCases } from './direct';
import { opossumCases } from './opossum';
import { pRetryCases } from './p-retry';
import { tenaciousCases } from './tenacious';

const probe = decoratorModeProbe();

class Probe {
  @probe.decorator
  method(): void {}
}

/** The cases compiled with TC39 standard decorators (bench/tsconfig.json). */
export async function standardCases(): Promise<CaseModule> {
  void Probe;
  return {
    decoratorMode: probe.mode(),
    cases: [
      ...directCases(),
      ...tenaciousCases(),
      ...(await cockatielCases()),
      ...(await pRetryCases()),
      ...opossumCases(),
    ],
  };
}
