'use strict';
// setupFilesAfterEnv of jest.mutation.config.ts: during Stryker's dry run (the instrumented code
// is loaded, no mutant is active), notes the full name of every test of this file.
const { isMutantRun, recordTestFile } = require('./test-files.cjs');

if (globalThis.__stryker__ !== undefined && !isMutantRun()) {
  const testNames = new Set();
  beforeEach(() => {
    const { currentTestName } = expect.getState();
    if (currentTestName !== undefined) testNames.add(currentTestName);
  });
  afterAll(() => {
    recordTestFile(expect.getState().testPath, [...testNames]);
  });
}
