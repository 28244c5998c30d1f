import 'reflect-metadata';
import { Retry } from '../../src';
import { expectSubclassRetryOnResult } from '../decorators/subclass-result-check';

// With legacy decorators, two copies of the package in one process share their class records
// (reflect-metadata, one key): a subclass's `@RetryDefaults` from one copy applies to a method
// that the other copy decorated. A new record must then stop that method's shared pipeline
// (src/core/fast-path/pipeline-cache.ts) whichever copy made it.

it('applies a subclass’s defaults from a second copy to a method the first decorated', async () => {
  let second: typeof import('../../src') | undefined;
  jest.isolateModules(() => {
    second = require('../../src') as typeof import('../../src');
  });
  expect(second?.RetryDefaults).toBeDefined();
  expect(second!.RetryDefaults).not.toBe(Retry);

  await expectSubclassRetryOnResult(Retry, second!.RetryDefaults);
});
