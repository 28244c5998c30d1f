'use strict';
// testSequencer of jest.mutation.config.ts: in a mutant run, keeps only the test files that hold a
// test matching Stryker's filter, as jest would match it (`testNamePattern`, case-insensitive).
// Files without a record are kept, so the worst case is the plain run.
const Sequencer = require('@jest/test-sequencer').default;
const { isMutantRun, readTestFiles } = require('./test-files.cjs');

class TestFileSequencer extends Sequencer {
  #testNamePattern;

  constructor(options) {
    super(options);
    this.#testNamePattern = options.globalConfig.testNamePattern;
  }

  sort(tests) {
    const sorted = super.sort(tests);
    if (!isMutantRun() || !this.#testNamePattern) return sorted;
    const testFiles = readTestFiles();
    if (testFiles.size === 0) return sorted;
    const filter = new RegExp(this.#testNamePattern, 'i');
    return sorted.filter((test) => {
      const testNames = testFiles.get(test.path);
      return testNames === undefined || testNames.some((name) => filter.test(name));
    });
  }
}

module.exports = TestFileSequencer;
