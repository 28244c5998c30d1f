// Makes every unhandled promise rejection fail the test that caused it, by name.
//
// Jest 30 (jest-circus) swaps its own 'unhandledRejection' listener onto the real process while a
// test file runs and fails the test the rejection belongs to. (A listener added here would never
// fire: the `process` a test file sees is a copy.) But Node reports a rejection only once the
// microtask queue is empty, and jest runs a file's tests, hooks and teardown as one promise chain:
// a rejection left by a short test is often reported after jest has removed its listener, and then
// the worker crashes ("Jest worker encountered 4 child process exceptions") with no test named.
// One turn of the event loop after each test lets Node report it while jest is still listening.
// (`waitForUnhandledRejections: true` in the global config does the same.)

// Captured now, before a test can install fake timers.
const realSetImmediate = setImmediate;

function nextEventLoopTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

afterEach(nextEventLoopTurn);
afterAll(nextEventLoopTurn);
