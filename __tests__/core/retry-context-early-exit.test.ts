import { HttpError, RetryBudget, RetryContext, stats } from '../../src';

// A RetryContext whose caller leaves the loop after recordFailure() granted a retry (break,
// return, a throw) gives the retry back: it never ran, and the budget is owed it.

const oneRetryPerWindow = () => new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });
const failure = () => new HttpError(503, {}, 'down');

describe('leaving a RetryContext iteration with a granted retry', () => {
  it('gives it back on break from a for...of loop', () => {
    const budget = oneRetryPerWindow();
    const context = new RetryContext({ maxAttempts: 3, delays: [0], budget });
    for (const attempt of context) {
      expect(attempt).toBe(1);
      context.recordFailure(failure());
      expect(context.shouldRetry()).toBe(true);
      break;
    }
    expect(budget.retriesInWindow).toBe(0);
    expect(stats(budget).retries).toBe(0);
  });

  it('gives it back on break from a for await loop', async () => {
    const budget = oneRetryPerWindow();
    const context = new RetryContext({ maxAttempts: 3, delays: [0], budget });
    for await (const attempt of context) {
      expect(attempt).toBe(1);
      context.recordFailure(failure());
      break;
    }
    expect(budget.retriesInWindow).toBe(0);
  });

  it('gives it back when the loop body throws, and the error goes on', async () => {
    const budget = oneRetryPerWindow();
    const context = new RetryContext({ maxAttempts: 3, delays: [0], budget });
    const thrown = new Error('the caller gives up');
    await expect(
      (async () => {
        for await (const attempt of context) {
          context.recordFailure(failure());
          if (attempt === 1) throw thrown;
        }
      })(),
    ).rejects.toBe(thrown);
    expect(budget.retriesInWindow).toBe(0);
  });

  it('keeps a retry that ran (wait() moved on) when the loop breaks later', async () => {
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.2, window: 10_000 });
    const context = new RetryContext({ maxAttempts: 3, delays: [0], budget });
    for await (const attempt of context) {
      context.recordFailure(failure());
      if (attempt === 1) {
        await context.wait();
        continue;
      }
      break; // attempt 2 ran (one retry made), and its failure was granted a second one
    }
    expect(budget.retriesInWindow).toBe(1);
    expect(stats(budget).retries).toBe(1);
  });
});

describe('stopping the manual form after recordFailure', () => {
  it('gives the retry back through wait() with an aborted signal', async () => {
    const budget = oneRetryPerWindow();
    const context = new RetryContext({ maxAttempts: 3, delays: [0], budget });
    context.recordFailure(failure());
    expect(budget.retriesInWindow).toBe(1);
    const reason = new Error('stopped');
    await expect(context.wait(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(budget.retriesInWindow).toBe(0);
  });
});
