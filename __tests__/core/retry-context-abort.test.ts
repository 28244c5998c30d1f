import { HttpError, RetryContext } from '../../src';

// RetryContext steps the retry loop's rules: once the caller has aborted, no further attempt is
// made and the reason is thrown; onRetry and onGiveUp do not run (nothing was retried, nothing gave
// up), as for a retried method (abort-before-retry.test.ts).

const options = { maxAttempts: 3, initialDelay: 1, maxDelay: 1, jitter: 'none' } as const;

describe('RetryContext after its signal aborted', () => {
  it('for await: throws the reason without onRetry, before a second attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const onGiveUp = jest.fn();
    const context = new RetryContext({ ...options, signal: controller.signal, onRetry, onGiveUp });
    const attempts: number[] = [];
    const run = async (): Promise<void> => {
      for await (const attempt of context) {
        attempts.push(attempt);
        controller.abort(reason);
        context.recordFailure(new HttpError(503));
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(attempts).toEqual([1]);
    expect(onRetry).not.toHaveBeenCalled();
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('for...of: makes no further attempt and throws the reason', () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const context = new RetryContext({ ...options, signal: controller.signal, onRetry });
    const attempts: number[] = [];
    expect(() => {
      for (const attempt of context) {
        attempts.push(attempt);
        controller.abort(reason);
        context.recordFailure(new HttpError(503));
      }
    }).toThrow(reason);
    expect(attempts).toEqual([1]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('for...of: an abort from onRetry stops the loop before the next attempt', () => {
    const controller = new AbortController();
    const reason = new Error('stop retrying');
    const context = new RetryContext({
      ...options,
      signal: controller.signal,
      onRetry: () => controller.abort(reason),
    });
    const attempts: number[] = [];
    expect(() => {
      for (const attempt of context) {
        attempts.push(attempt);
        context.recordFailure(new HttpError(503));
      }
    }).toThrow(reason);
    expect(attempts).toEqual([1]);
  });

  it('spelled out: shouldRetry() is false, and wait() rejects with the reason without onRetry', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const onGiveUp = jest.fn();
    const context = new RetryContext({ ...options, signal: controller.signal, onRetry, onGiveUp });
    controller.abort(reason);
    context.recordFailure(new HttpError(503));
    expect(context.shouldRetry()).toBe(false);
    await expect(context.wait()).rejects.toBe(reason);
    expect(onRetry).not.toHaveBeenCalled();
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('wait(signal): a signal given to wait() that aborted stops it without onRetry', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const context = new RetryContext({ ...options, onRetry });
    context.recordFailure(new HttpError(503));
    controller.abort(reason);
    await expect(context.wait(controller.signal)).rejects.toBe(reason);
    expect(onRetry).not.toHaveBeenCalled();
  });
});

describe('a signal function', () => {
  it('runs once per context, as once per call for a retried method', async () => {
    const controller = new AbortController();
    const signal = jest.fn(() => controller.signal);
    const context = new RetryContext({ ...options, signal });
    const attempts: number[] = [];
    for await (const attempt of context) {
      attempts.push(attempt);
      if (attempt < 3) context.recordFailure(new HttpError(503));
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(signal).toHaveBeenCalledTimes(1);
  });

  it('is looked up at the first failure: what it throws has that failure as its cause', () => {
    const thrown = new Error('no signal here');
    const failure = new HttpError(503);
    const signal = jest.fn(() => {
      throw thrown;
    });
    const context = new RetryContext({ ...options, signal });
    for (const attempt of context) {
      expect(attempt).toBe(1);
      expect(() => context.recordFailure(failure)).toThrow(thrown);
      break;
    }
    expect(thrown.cause).toBe(failure);
    expect(signal).toHaveBeenCalledTimes(1);
  });
});
