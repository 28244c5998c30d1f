import { examples } from '../examples/catalog';

// Every runnable example, against the local servers it starts itself. Each prints what happened;
// the catalog lists the lines that show it worked.
describe.each(Object.entries(examples))('example %s', (_name, entry) => {
  it('runs to the end and prints what the catalog expects', async () => {
    const printed: string[] = [];
    await entry.main((line) => printed.push(line));
    for (const expected of entry.expectedOutput) {
      expect(printed.some((line) => expected.test(line)) ? expected : printed).toEqual(expected);
    }
  });
});
