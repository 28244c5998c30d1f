import { retryable, withRetry } from '../../src';

class BusyError extends Error {}
class LegacyStyleError extends Error {}

describe('retryOn given a class instead of an array of classes', () => {
  // A class is a function, so without this check it would be called as a predicate at the first failure.
  it.each([
    ['an Error subclass', BusyError],
    ['Error itself', Error],
    ['TypeError', TypeError],
    ['a class declared with class syntax', LegacyStyleError],
  ])('rejects %s when the options are given, pointing at the array form', (_label, errorClass) => {
    expect(() => retryable(() => 1, { retryOn: errorClass as never })).toThrow(TypeError);
    expect(() => retryable(() => 1, { retryOn: errorClass as never })).toThrow(
      /option "retryOn" must be an array of error classes \(write retryOn: \[ErrorClass\]\)/,
    );
  });

  it('still accepts a predicate and an array of classes', async () => {
    let calls = 0;
    const flaky = (): number => {
      calls += 1;
      if (calls === 1) throw new BusyError('busy');
      return calls;
    };
    expect(retryable(flaky, { retryOn: [BusyError], initialDelay: 0 })()).toBe(2);
    calls = 0;
    await expect(
      withRetry(flaky, { retryOn: (error) => error instanceof BusyError, initialDelay: 0 }),
    ).resolves.toBe(2);
  });
});
