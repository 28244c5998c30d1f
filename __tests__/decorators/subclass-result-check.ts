import type { Retry, RetryDefaults } from '../../src';

const immediate = { jitter: 'none', initialDelay: 0, budget: false } as const;

/** A class whose method `retry` decorated, called once (so that its pipeline is shared). */
export async function decoratedBase(
  retry: typeof Retry,
): Promise<new () => { busyLeft: number; call(): Promise<string> }> {
  class Base {
    busyLeft = 0;
    @retry(immediate)
    async call(): Promise<string> {
      if (this.busyLeft > 0) {
        this.busyLeft -= 1;
        return 'busy';
      }
      return 'answer';
    }
  }
  await expect(new Base().call()).resolves.toBe('answer');
  return Base;
}

/**
 * Decorates a base class's method with `retry`, calls it once (so that its pipeline is shared),
 * then defines a subclass with `retryDefaults({ retryOnResult })` and checks that the inherited
 * method's first attempts through the subclass look at the value, and the base class's still do
 * not. `retry` and `retryDefaults` may come from two copies of the package.
 */
export async function expectSubclassRetryOnResult(
  retry: typeof Retry,
  retryDefaults: typeof RetryDefaults,
): Promise<void> {
  const Base = await decoratedBase(retry);
  // No shared pipeline of Base's looks at a value: the subclass's calls must not take one.
  @retryDefaults({ retryOnResult: (value) => value === 'busy' })
  class Patient extends Base {}
  const patient = new Patient();
  patient.busyLeft = 1;
  await expect(patient.call()).resolves.toBe('answer');
  const base = new Base();
  base.busyLeft = 1;
  await expect(base.call()).resolves.toBe('busy');
}
