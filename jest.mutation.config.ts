import type { Config } from 'jest';

// The unit tests that exercise src/core, src/backoff, src/classify and src/policy, for mutation
// runs (stryker.config.mjs). Each mutant reruns the tests that cover it, so only fast, in-process
// tests belong here: no servers, no child processes, no examples, demo or package tests.
// ts-jest transpiles only: a mutant that breaks a type must still run, and type-checking every
// mutant would multiply the run time.
const config: Config = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/__tests__'],
  testMatch: [
    '<rootDir>/__tests__/{classify,backoff,policy,core,decorators,property}/**/*.test.ts',
  ],
  testPathIgnorePatterns: [
    '/node_modules/',
    // Real undici and Bedrock clients against local servers, and a child process.
    '<rootDir>/__tests__/classify/real-failures.test.ts',
    '<rootDir>/__tests__/backoff/retry-after-real-responses.test.ts',
  ],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  setupFilesAfterEnv: [
    // As in jest.config.ts: an unhandled promise rejection fails the test that left it.
    '<rootDir>/__tests__/setup/fail-on-unhandled-rejection.ts',
    // A mutant run loads only the test files of the tests that cover the mutant (mutation/test-files.cjs).
    '<rootDir>/mutation/record-test-files.cjs',
  ],
  testSequencer: '<rootDir>/mutation/test-file-sequencer.cjs',
};

export default config;
