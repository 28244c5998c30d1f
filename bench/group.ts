// One group of cases, measured in a process of its own: `node --expose-gc group.js REQUEST`, where
// REQUEST is a GroupRequest as JSON. run.ts starts one per group and per Node version, and reads
// the GroupResult this writes to the request's output file.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { summarise } from './harness/case-result';
import { describeEnvironment } from './harness/environment';
import type { GroupRequest, GroupResult } from './harness/group-protocol';
import { loadShapeCases } from './harness/load-shape-cases';
import { canMeasureAllocation, measureAllocation } from './harness/measure-allocation';
import { measureTime } from './harness/measure-time';
import { runCalls, type TimedCase } from './harness/timed-case';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as GroupRequest;
  const { plan, options, generatedCases } = request;
  const environment = describeEnvironment();
  const loaded =
    plan.contents === 'peers'
      ? await loadPeers().loadPeerCases(generatedCases)
      : plan.contents === 'policies'
        ? await loadPolicies().loadPolicyCases(plan.policies)
        : loadShapeCases(generatedCases, plan.shapes);
  const { cases } = loaded;

  if (plan.poisonFirst) await poison(cases, options.calls, options.warmupRounds + 1);

  const samples = await measureTime(cases, options);
  const bytes = new Map<TimedCase, number>();
  if (canMeasureAllocation()) {
    for (const timedCase of cases) {
      bytes.set(timedCase, await measureAllocation(timedCase, options));
    }
  }
  for (const timedCase of cases) timedCase.benchCase.dispose?.();
  environment.loadAverageAtEnd = loadavg()[0];

  const result: GroupResult = {
    group: plan.name,
    environment,
    ...(loaded.decoratorModes === undefined ? {} : { decoratorModes: loaded.decoratorModes }),
    results: summarise(cases, samples, bytes),
    notes: [
      ...loaded.notes,
      ...(canMeasureAllocation() ? [] : ['allocation not measured: run node with --expose-gc']),
    ],
  };
  await writeFile(request.outputFile, JSON.stringify(result));
}

/**
 * The peers' module, required only by the peers group: importing it defines the peers' decorated
 * classes (tenacious's among them), which a shape group's process must not contain.
 */
function loadPeers(): typeof import('./harness/load-peer-cases') {
  return require('./harness/load-peer-cases') as typeof import('./harness/load-peer-cases');
}

/** The same for the policies' module: their decorated classes belong to their groups alone. */
function loadPolicies(): typeof import('./harness/load-policy-cases') {
  return require('./harness/load-policy-cases') as typeof import('./harness/load-policy-cases');
}

/**
 * Calls the inherited method through its two subclasses, with every wrapper, before any other
 * case runs, so that whatever that shape does to state the wrappers share is in place while the
 * others warm up and are measured.
 */
async function poison(cases: readonly TimedCase[], calls: number, rounds: number): Promise<void> {
  const inherited = cases.filter(
    (timedCase) => timedCase.benchCase.shape === 'inherited via two subclasses',
  );
  if (inherited.length === 0) throw new Error('the poisoned group has no inherited-method case');
  for (let round = 0; round < rounds; round++) {
    for (const timedCase of inherited) await runCalls(timedCase, calls);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
