import { RetryContext } from '../../src';

// DESIGN: "`for (const attempt of ctx)` yields 1..maxAttempts". An attempt that records no failure
// is followed by the next at once, and it counts against the cap like any other.
const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('RetryContext attempt cap', () => {
  test('for await never yields more than maxAttempts when an attempt recorded no failure', async () => {
    const context = new RetryContext({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 });
    const seen: number[] = [];
    const run = async (): Promise<void> => {
      for await (const attempt of context) {
        seen.push(attempt);
        if (attempt === 1) continue; // nothing to record for this one
        context.recordFailure(reset());
      }
    };
    await expect(run()).rejects.toThrow('socket hang up');
    expect(seen).toEqual([1, 2, 3]);
  });

  test('shouldRetry() is false for a failure of the last allowed attempt', () => {
    const context = new RetryContext({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 });
    const iterator = context[Symbol.iterator]();
    iterator.next(); // attempt 1: no failure recorded
    iterator.next(); // attempt 2
    context.recordFailure(reset());
    expect(context.shouldRetry()).toBe(true);
    iterator.next(); // attempt 3 == maxAttempts
    expect(context.currentAttempt).toBe(3);
    context.recordFailure(reset());
    expect(context.shouldRetry()).toBe(false);
  });
});
