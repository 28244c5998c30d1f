import 'reflect-metadata';
import { Retry } from '../../src';

// With legacy decorators, two copies of the package in one process share their class records
// (reflect-metadata, one key): a subclass's `@RetryDefaults` from one copy applies to a method
// that the other copy decorated. A new record must then stop that method's shared pipeline
// (src/core/fast-path/pipeline-cache.ts) whichever copy made it.

const immediate = { jitter: 'none', initialDelay: 0, budget: false } as const;

it('applies a subclass’s defaults from a second copy to a method the first decorated', async () => {
  let second: typeof import('../../src') | undefined;
  jest.isolateModules(() => {
    second = require('../../src') as typeof import('../../src');
  });
  expect(second?.RetryDefaults).toBeDefined();
  expect(second!.RetryDefaults).not.toBe(Retry);

  class Base {
    busyLeft = 0;
    @Retry(immediate)
    async call(): Promise<string> {
      if (this.busyLeft > 0) {
        this.busyLeft -= 1;
        return 'busy';
      }
      return 'answer';
    }
  }
  await expect(new Base().call()).resolves.toBe('answer');

  // Its first attempts must look at the value: no shared pipeline of Base's can do that.
  @(second!.RetryDefaults({ retryOnResult: (value) => value === 'busy' }))
  class Patient extends Base {}
  const patient = new Patient();
  patient.busyLeft = 1;
  await expect(patient.call()).resolves.toBe('answer');
  const base = new Base();
  base.busyLeft = 1;
  await expect(base.call()).resolves.toBe('busy');
});
