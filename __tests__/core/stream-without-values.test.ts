import { retryable } from '../../src';

describe('an async generator that ends without yielding', () => {
  it('yields nothing and hands back its return value', async () => {
    const emptyStream = retryable(async function* (): AsyncGenerator<string, string> {
      return 'no rows';
    });
    const iterator = emptyStream();
    await expect(iterator.next()).resolves.toEqual({ done: true, value: 'no rows' });
  });

  it('gives a for-await loop no values', async () => {
    const emptyStream = retryable(async function* (): AsyncGenerator<string> {});
    const values: string[] = [];
    for await (const value of emptyStream()) values.push(value);
    expect(values).toEqual([]);
  });
});
