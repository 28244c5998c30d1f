'use strict';
// Which test file holds which test, recorded during Stryker's dry run so that a mutant run loads
// only the files of the tests that cover the mutant. Jest applies Stryker's test filter
// (`testNamePattern`) only after loading every test file, and loading all of them costs several
// seconds per mutant, far more than the few tests that run.

const { appendFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

// In the sandbox's root: Stryker makes a new sandbox for every run, so a record never goes stale.
const recordPath = join(__dirname, '..', '.stryker-test-files.jsonl');

/** Stryker sets this variable for the length of each mutant run, and only then. */
function isMutantRun() {
  return process.env.__STRYKER_ACTIVE_MUTANT__ !== undefined;
}

function recordTestFile(testPath, testNames) {
  appendFileSync(recordPath, `${JSON.stringify({ testPath, testNames })}\n`);
}

/** Test file path -> the full names of its tests; empty when nothing was recorded. */
function readTestFiles() {
  const testFiles = new Map();
  let text;
  try {
    text = readFileSync(recordPath, 'utf8');
  } catch {
    return testFiles;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { testPath, testNames } = JSON.parse(line);
    testFiles.set(testPath, testNames);
  }
  return testFiles;
}

module.exports = { isMutantRun, recordTestFile, readTestFiles };
