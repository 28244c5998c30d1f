import { examples } from '../examples/catalog';
import { examplesOnFakeClock } from './example-runs';

// Every runnable example, against the local servers it starts itself. Each prints what happened;
// the catalog lists the lines that show it worked. Those whose outcome depends on when their calls
// are made run on a fake clock instead, in examples-on-fake-clock.test.ts.
const entries = Object.entries(examples).filter(([name]) => !examplesOnFakeClock.has(name));

describe.each(entries)('example %s', (_name, entry) => {
  it('runs to the end and prints what the catalog expects', async () => {
    const printed: string[] = [];
    await entry.main((line) => printed.push(line));
    for (const expected of entry.expectedOutput) {
      expect(printed.some((line) => expected.test(line)) ? expected : printed).toEqual(expected);
    }
  });
});
