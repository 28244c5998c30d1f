import { HttpError, retryable, withRetry } from '../../src';

// Without options, withRetry and retryable retry with the defaults: 3 attempts, 1000 ms then 2000 ms
// at most (full jitter). The first test of this file is the first use of the shared default policy.

afterEach(() => {
  jest.useRealTimers();
});

describe('no options', () => {
  it('withRetry retries with the defaults', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const result = withRetry(async () => {
      calls += 1;
      if (calls < 3) throw new HttpError(503);
      return 'served';
    });
    await jest.advanceTimersByTimeAsync(3000);
    await expect(result).resolves.toBe('served');
    expect(calls).toBe(3);
  });

  it('retryable retries with the defaults, three attempts in all', async () => {
    jest.useFakeTimers();
    const unavailable = new HttpError(503);
    let calls = 0;
    const alwaysDown = retryable(async () => {
      calls += 1;
      throw unavailable;
    });
    const result = alwaysDown();
    const rejected = expect(result).rejects.toBe(unavailable);
    await jest.advanceTimersByTimeAsync(3000);
    await rejected;
    expect(calls).toBe(3);
  });
});

describe('something other than a function', () => {
  it.each<[string, (value: unknown) => unknown]>([
    ['withRetry', (value) => withRetry(value as () => unknown)],
    ['retryable', (value) => retryable(value as () => unknown)],
  ])('%s throws a TypeError that names what it got', (source, take) => {
    expect(() => take(42)).toThrow(new TypeError(`${source}: expected a function, got number`));
  });
});
