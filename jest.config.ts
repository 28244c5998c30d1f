import type { Config } from 'jest';

// The AWS SDK's notice that its 2027 releases need Node 22 would repeat in every worker's output;
// workers inherit this environment.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Both projects: an unhandled promise rejection fails the test that left it (see the file).
const failOnUnhandledRejection = '<rootDir>/__tests__/setup/fail-on-unhandled-rejection.ts';

// `TENACIOUS_UNDICI_MAJOR=8 jest` runs the tests against undici 8 (Node 22+), the `undici-8` alias in
// devDependencies; by default `undici` is undici 7, the newest that runs on Node 20.
const undiciMajor = process.env.TENACIOUS_UNDICI_MAJOR ?? '7';
const moduleNameMapper: Record<string, string> =
  undiciMajor === '7'
    ? {}
    : { '^undici$': `undici-${undiciMajor}`, '^undici/(.*)$': `undici-${undiciMajor}/$1` };

// Two projects because a TypeScript program compiles decorators in one mode only: TC39 standard
// decorators (tsconfig.json) and legacy `experimentalDecorators` (tsconfig.legacy.json).
// A limit for a hung test, not a speed check (speed lives in `npm run bench`): on a loaded 2-core
// CI machine the 10,000-call tests take longer than jest's default 5 s.
const testTimeout = 60_000;

const config: Config = {
  testTimeout,
  // One redis-server for the run, for the tests of tenacious/redis (the files say why).
  globalSetup: '<rootDir>/__tests__/setup/redis-global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/setup/redis-global-teardown.ts',
  projects: [
    {
      displayName: 'standard',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/legacy/'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
      setupFilesAfterEnv: [failOnUnhandledRejection],
      moduleNameMapper,
      testTimeout,
    },
    {
      displayName: 'legacy',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__/legacy'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.legacy.json' }] },
      setupFilesAfterEnv: [failOnUnhandledRejection],
      moduleNameMapper,
      testTimeout,
    },
  ],
};

export default config;
