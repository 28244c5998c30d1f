import type { CaseResult } from './case-result';
import type { Environment } from './environment';
import type { GroupPlan } from './groups';
import type { BenchOptions } from './options';
import type { GeneratedCase } from './shape-cases';

/** What the orchestrator (run.ts) hands a group's child process (group.ts), as JSON in argv. */
export interface GroupRequest {
  readonly plan: GroupPlan;
  readonly options: BenchOptions;
  readonly generatedCases: readonly GeneratedCase[];
  /** Where the child writes its GroupResult. */
  readonly outputFile: string;
}

/** What a group's child process measured. */
export interface GroupResult {
  readonly group: string;
  readonly environment: Environment;
  /** How each build compiled its decorators, as observed (peers group only). */
  readonly decoratorModes?: { readonly standardBuild: string; readonly legacyBuild: string };
  readonly results: readonly CaseResult[];
  /** What was left out on this Node and why (peers that need Node 22, exports not built yet). */
  readonly notes: readonly string[];
}
