// @ts-check
// Mutation testing of the retry engine: `npm run mutation`. Reports go to reports/mutation/.
// Surviving mutants that cannot change behaviour are listed in mutation/EQUIVALENT.md.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  mutate: ['src/core/**/*.ts', 'src/backoff/**/*.ts', 'src/classify/**/*.ts', 'src/policy/**/*.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.ts',
    // perTest coverage already picks the tests that reach each mutant.
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // Two cores, shared with other work.
  concurrency: 2,
  // Stryker allows each mutant run the dry run's per-run overhead (loading every test file) plus
  // this margin; a mutant run loads fewer files (mutation/test-files.cjs), so a run that takes this
  // much longer is stuck, typically an endless retry loop at zero delay under fake timers.
  timeoutMS: 3000,
  // Only the sources carry mutants; ts-jest does not type-check (jest.mutation.config.ts).
  disableTypeChecks: 'src/**/*.ts',
  // Mutants in module-level constants (tables, regular expressions) run in every test that loads
  // the module; testing them all would dominate the run time.
  ignoreStatic: true,
  // The sandbox copy needs only what the tests load.
  ignorePatterns: [
    'dist',
    'coverage',
    'bench',
    'reports',
    '__tests__/integration',
    '__tests__/legacy',
    '__tests__/servers',
  ],
  tempDirName: 'reports/mutation/.stryker-tmp',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
};

export default config;
