import { join } from 'node:path';

// This file runs from bench/.build/standard/bench/harness (bench/tsconfig.json's outDir mirrors
// the repository), or from bench/harness under ts-node in the tests.
const compiled = __dirname.includes(join('.build', 'standard'));

/** The repository's root. */
export const repositoryRoot = compiled
  ? join(__dirname, '..', '..', '..', '..', '..')
  : join(__dirname, '..', '..');

/** Where bench/tsconfig.json emits: src/ and bench/ of the Stage-3 build. */
export const standardBuild = join(repositoryRoot, 'bench', '.build', 'standard');

/** Where bench/tsconfig.legacy.json emits. */
export const legacyBuild = join(repositoryRoot, 'bench', '.build', 'legacy');

/** The generated shape cases (harness/shape-cases.ts). */
export const generatedDirectory = join(repositoryRoot, 'bench', '.build', 'generated');

/** The entry point each group's child process runs. */
export const groupScript = join(standardBuild, 'bench', 'group.js');
