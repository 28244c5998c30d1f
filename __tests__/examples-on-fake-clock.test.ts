import { examples } from '../examples/catalog';
import { examplesOnFakeClock, runOnFakeClock } from './example-runs';

// The examples whose outcome depends on when their calls are made, on jest's fake clock (see
// example-runs.ts), with real sockets; the local HTTP server's scripted delays keep real time
// unless an example starts it on the global timers, the local Bedrock server's follow the fake
// clock. The clock is installed once for the file, before the first request: undici keeps a
// module-level timer made at its first.
beforeAll(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterAll(() => {
  jest.useRealTimers();
});

const entries = Object.entries(examples).filter(([name]) => examplesOnFakeClock.has(name));

describe.each(entries)('example %s, on a fake clock', (_name, entry) => {
  it('runs to the end and prints what the catalog expects', async () => {
    const printed = await runOnFakeClock(entry.main);
    for (const expected of entry.expectedOutput) {
      expect(printed.some((line) => expected.test(line)) ? expected : printed).toEqual(expected);
    }
  });
});

it('runs every example it names', () => {
  expect(entries.map(([name]) => name)).toEqual([...examplesOnFakeClock]);
});
