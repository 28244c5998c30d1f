import { directCases } from '../cases/direct';
import { policyCaseBuilders, PolicyNotExported, type PolicyCaseBuilder } from '../cases/policies';
import { currentPeersAvailable } from '../cases/node-version';
import type { BenchCase } from './bench-case';
import { checkUniqueNames, type LoadedCases } from './load-shape-cases';
import {
  allPolicyCases,
  cockatielPolicies,
  policyCaseName,
  policyDecorators,
  type PolicyName,
} from './policy-names';
import { prepareCase } from './timed-case';

// Only the policy groups' processes load this module (group.ts requires it on demand): it
// defines the policies' decorated classes, which no other group's process must have.

/**
 * The direct calls and every case of `policies` this build and this Node can run, in table order,
 * each group's direct calls measured in its own process (groups.ts says why). A case
 * whose decorator this build does not export, or that refuses the call (a policy that turns out
 * not to work on a sync method), is left out with a note, so that the group still runs.
 */
export async function loadPolicyCases(policies: readonly PolicyName[]): Promise<LoadedCases> {
  const builders = policyCaseBuilders();
  const notes: string[] = [];
  const cases: BenchCase[] = directCases();
  const missingExports = new Set<string>();
  for (const { policy, kind, variant } of allPolicyCases()) {
    if (!policies.includes(policy)) continue;
    const name = policyCaseName(policy, kind, variant);
    const builder = builders.find(
      (candidate) =>
        candidate.policy === policy && candidate.kind === kind && candidate.variant === variant,
    );
    if (builder === undefined) continue;
    const built = await buildCase(builder, name);
    if (typeof built === 'string') {
      if (built.startsWith('this build exports no')) {
        missingExports.add(`tenacious ${policy}: not available (${built})`);
      } else notes.push(`${name}: not measured: ${built}`);
    } else cases.push(built);
  }
  notes.push(...missingExports);
  const cockatielCounterparts = policies.filter(
    (policy) => cockatielPolicies[policy] !== undefined,
  );
  if (!currentPeersAvailable && cockatielCounterparts.length > 0) {
    notes.push(
      `policies: cockatiel 4 needs Node 22: its counterparts of ${cockatielCounterparts.join(', ')} not run`,
    );
  }
  const timedCases = cases.map((benchCase) => prepareCase(benchCase, 'standard'));
  checkUniqueNames(timedCases);
  return { cases: timedCases, notes };
}

/** The case, or why it cannot be measured; one call checks that it returns `value + 1`. */
async function buildCase(builder: PolicyCaseBuilder, name: string): Promise<BenchCase | string> {
  const { policy, kind, variant } = builder;
  let call: BenchCase['call'];
  try {
    call = await builder.build();
  } catch (error) {
    if (error instanceof PolicyNotExported) return error.message;
    return `${policyDecorators[policy]} refused when the class was defined: ${describe(error)}`;
  }
  try {
    const result = call(0);
    if (kind === 'sync' && typeof result !== 'number') {
      return `the sync method returned ${typeof result}, not a number`;
    }
    const value = await result;
    if (value !== 1) return `a call of method(0) returned ${String(value)}, expected 1`;
  } catch (error) {
    return `a call of method(0) failed: ${describe(error)}`;
  }
  return {
    name,
    kind,
    library:
      variant === 'hand-written'
        ? 'hand-written'
        : variant === 'cockatiel 4'
          ? 'cockatiel'
          : 'tenacious',
    call,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
