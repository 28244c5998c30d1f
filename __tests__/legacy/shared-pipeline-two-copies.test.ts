import 'reflect-metadata';
import { Retry, RetryDefaults } from '../../src';
import { collectGarbage } from '../decorators/collect-garbage';
import { decoratedBase, expectSubclassRetryOnResult } from '../decorators/subclass-result-check';

// With legacy decorators, two copies of the package in one process share their class records
// (reflect-metadata, one key): a subclass's `@RetryDefaults` from one copy applies to a method
// that the other copy decorated. A new record must then stop that method's shared pipeline
// (src/core/fast-path/pipeline-cache.ts) whichever copy made it.

function loadSecondCopy(): typeof import('../../src') {
  let second: typeof import('../../src') | undefined;
  jest.isolateModules(() => {
    second = require('../../src') as typeof import('../../src');
  });
  return second!;
}

it('applies a subclass’s defaults from a second copy to a method the first decorated', async () => {
  const second = loadSecondCopy();
  expect(second.RetryDefaults).toBeDefined();
  expect(second.RetryDefaults).not.toBe(Retry);

  await expectSubclassRetryOnResult(Retry, second.RetryDefaults);
});

it('applies a subclass’s defaults to a method of a copy that only its class still holds', async () => {
  // Nothing of the second copy is kept but the class its `Retry` decorated.
  const Base = await decoratedBase(loadSecondCopy().Retry);
  await collectGarbage();

  @RetryDefaults({ retryOnResult: (value) => value === 'busy' })
  class Patient extends Base {}
  const patient = new Patient();
  patient.busyLeft = 1;
  await expect(patient.call()).resolves.toBe('answer');
});
