import { HttpError, retryable } from '../../src';

// A call whose caller has aborted makes no further attempt and rejects (or throws) with the
// signal's reason; onRetry and onGiveUp do not run for an abort: nothing was retried, nothing gave up.

describe('a signal aborted before the first failure', () => {
  it('rejects an asynchronous call with the reason at once', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const fetchReport = retryable(
      async (_signal: AbortSignal) => {
        controller.abort(reason);
        throw new HttpError(503);
      },
      { initialDelay: 0, onRetry },
    );
    await expect(fetchReport(controller.signal)).rejects.toBe(reason);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('throws the reason from a synchronous call at once', () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const onRetry = jest.fn();
    const readConfig = retryable(
      (_signal: AbortSignal) => {
        controller.abort(reason);
        throw new HttpError(503);
      },
      { initialDelay: 0, onRetry },
    );
    expect(() => readConfig(controller.signal)).toThrow(reason);
    expect(onRetry).not.toHaveBeenCalled();
  });
});

describe('an abort from onRetry, before the sleep', () => {
  it('stops a synchronous call before its next attempt', () => {
    const controller = new AbortController();
    const reason = new Error('stop retrying');
    let calls = 0;
    const readConfig = retryable(
      (_signal: AbortSignal) => {
        calls += 1;
        throw new HttpError(503);
      },
      { initialDelay: 1, jitter: 'none', maxAttempts: 3, onRetry: () => controller.abort(reason) },
    );
    expect(() => readConfig(controller.signal)).toThrow(reason);
    expect(calls).toBe(1);
  });
});

describe("an abort error thrown by the call itself (the caller's abort, e.g. fetch's)", () => {
  it.each([
    ['asynchronous', true],
    ['synchronous', false],
  ])('is rethrown without onGiveUp (%s)', async (_kind, asynchronous) => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const onGiveUp = jest.fn();
    const call = retryable(
      asynchronous
        ? async (): Promise<never> => {
            throw abort;
          }
        : (): never => {
            throw abort;
          },
      { initialDelay: 0, onGiveUp },
    );
    if (asynchronous) await expect(call()).rejects.toBe(abort);
    else expect(() => call()).toThrow(abort);
    expect(onGiveUp).not.toHaveBeenCalled();
  });
});
