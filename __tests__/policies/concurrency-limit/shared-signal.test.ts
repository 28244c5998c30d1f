import { getEventListeners } from 'node:events';
import { ConcurrencyLimiter, withRetry } from '../../../src';

// Calls queued for a slot that share one signal (a process-wide shutdown signal) are woken by one
// 'abort' listener, not one each: Node warns past 10 listeners (MaxListenersExceededWarning).

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('ConcurrencyLimiter queue with one signal shared by every call', () => {
  it('adds one abort listener for 12 queued calls and removes it once they ran', async () => {
    const shutdown = new AbortController();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 100 });
    const finishers: Array<() => void> = [];
    const calls = Array.from({ length: 12 }, (_, index) =>
      withRetry(() => new Promise<number>((resolve) => finishers.push(() => resolve(index))), {
        concurrencyLimit: limiter,
        budget: false,
        signal: shutdown.signal,
      }),
    );
    await jest.advanceTimersByTimeAsync(0);
    expect(limiter.queued).toBe(11);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    for (let index = 0; index < 12; index++) {
      finishers[index]!();
      await jest.advanceTimersByTimeAsync(0);
    }
    await expect(Promise.all(calls)).resolves.toEqual([...Array(12).keys()]);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('rejects every queued call with the reason when the shared signal aborts', async () => {
    const shutdown = new AbortController();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 100 });
    expect(limiter.tryAcquire()).toBe(true);
    const queued = Array.from({ length: 12 }, () => limiter.enqueue(shutdown.signal));
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    const reason = new Error('shutting down');
    shutdown.abort(reason);
    for (const waiting of queued) await expect(waiting).rejects.toBe(reason);
    expect(limiter.queued).toBe(0);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    limiter.release();
  });
});
