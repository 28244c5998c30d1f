import { getEventListeners } from 'node:events';
import { HttpError, RetryContext, retryable, withRetry } from '../../src';
import { alwaysRejects, recordCallbacks, rejectsThenResolves } from './scripted-attempts';

// No spy on process 'unhandledRejection' here: jest-circus (Jest 30) takes that event over on the
// real process, and the `process` a test sees is a copy whose listeners never fire. Instead, jest
// itself fails the test in which a rejection goes unhandled, so every test below checks that too.

const slow = { jitter: 'none', initialDelay: 1000, maxAttempts: 5 } as const;

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** Tracks whether a promise has settled, without ever leaving a rejection unhandled. */
function track<Value>(promise: Promise<Value>): { readonly settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

describe('abort during a sleep', () => {
  it('rejects at once with the signal reason, clears the timer and makes no further attempt', async () => {
    const controller = new AbortController();
    const fn = alwaysRejects(() => new HttpError(503));
    const promise = withRetry(fn, { ...slow, signal: controller.signal });
    const progress = track(promise);
    await jest.advanceTimersByTimeAsync(500);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(1);

    controller.abort();
    // Microtasks only: no fake time passes.
    await jest.advanceTimersByTimeAsync(0);
    expect(progress.settled()).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
    await expect(promise).rejects.toBe(controller.signal.reason);
    await expect(promise).rejects.toHaveProperty('name', 'AbortError');

    await jest.advanceTimersByTimeAsync(60_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rejects with a custom reason object itself', async () => {
    const controller = new AbortController();
    const reason = { why: 'user closed the tab' };
    const promise = withRetry(
      alwaysRejects(() => new HttpError(503)),
      { ...slow, signal: controller.signal },
    );
    const assertion = expect(promise).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await assertion;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('calls onRetry for the sleep it started but not onGiveUp', async () => {
    const controller = new AbortController();
    const { onRetry, onGiveUp } = recordCallbacks();
    const reason = new Error('stop');
    const promise = withRetry(
      alwaysRejects(() => new HttpError(503)),
      { ...slow, signal: controller.signal, onRetry, onGiveUp },
    );
    const assertion = expect(promise).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(1500);
    controller.abort(reason);
    await assertion;
    expect(onRetry).toHaveBeenCalledTimes(2);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('removes its abort listener once a sleep ends normally', async () => {
    const controller = new AbortController();
    const fn = rejectsThenResolves([new HttpError(503), new HttpError(503)], 'ok');
    const promise = withRetry(fn, { ...slow, signal: controller.signal });
    await jest.advanceTimersByTimeAsync(500);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2500);
    await expect(promise).resolves.toBe('ok');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ignores an abort after the call has settled', async () => {
    const controller = new AbortController();
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = withRetry(fn, { ...slow, signal: controller.signal });
    await jest.advanceTimersByTimeAsync(1000);
    await expect(promise).resolves.toBe('ok');
    controller.abort();
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('abort outside a sleep', () => {
  it('with an already-aborted signal: the failed first attempt is not retried, the reason is thrown', async () => {
    const reason = new Error('cancelled before the call');
    const signal = AbortSignal.abort(reason);
    const fn = alwaysRejects(() => new HttpError(503));
    const { onGiveUp } = recordCallbacks();
    await expect(withRetry(fn, { ...slow, signal, onGiveUp })).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('aborted while an attempt runs: when that attempt fails, no sleep and no further attempt', async () => {
    const controller = new AbortController();
    const fn = jest.fn(
      () =>
        new Promise<never>((_resolve, reject) => {
          setTimeout(() => reject(new HttpError(503)), 300);
        }),
    );
    const reason = new Error('stop');
    const promise = withRetry(fn, { ...slow, signal: controller.signal });
    const assertion = expect(promise).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(100);
    controller.abort(reason);
    await jest.advanceTimersByTimeAsync(200);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('the error of an attempt that noticed the abort itself is not retried', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async (signal: AbortSignal) => {
      signal.throwIfAborted();
      throw new HttpError(503);
    });
    controller.abort();
    // The default reason: a DOMException named AbortError, which classifyError never retries.
    const reason: unknown = controller.signal.reason;
    const { onGiveUp } = recordCallbacks();
    await expect(retryable(fn, { ...slow, onGiveUp })(controller.signal)).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
    // An abort is never retried, and the call did not give up: the caller stopped it.
    expect(onGiveUp).not.toHaveBeenCalled();
  });
});

describe('where the signal comes from', () => {
  /** Aborts `controller` half-way through the first sleep and expects the call to reject with its reason. */
  async function expectAbortedBy(
    controller: AbortController,
    promise: Promise<unknown>,
    fn: jest.Mock,
  ): Promise<void> {
    const reason = new Error('stop');
    const assertion = expect(promise).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    await assertion;
    expect(fn).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  }

  it('an AbortSignal argument', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async (_url: string, _signal: AbortSignal) => {
      throw new HttpError(503);
    });
    await expectAbortedBy(
      controller,
      retryable(fn, slow)('https://example.test', controller.signal),
      fn,
    );
  });

  it('the signal property of an argument (undici, fetch)', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async (_url: string, _init: { method: string; signal: AbortSignal }) => {
      throw new HttpError(503);
    });
    await expectAbortedBy(
      controller,
      retryable(fn, slow)('https://example.test', { method: 'GET', signal: controller.signal }),
      fn,
    );
  });

  it('the abortSignal property of an argument (AWS SDK)', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async (_command: string, _options: { abortSignal: AbortSignal }) => {
      throw new HttpError(503);
    });
    await expectAbortedBy(
      controller,
      retryable(fn, slow)('Converse', { abortSignal: controller.signal }),
      fn,
    );
  });

  it('the signal option as a function of the arguments', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async (_job: { cancellation: AbortSignal }) => {
      throw new HttpError(503);
    });
    const signal = jest.fn(
      (args: readonly unknown[]) => (args[0] as { cancellation: AbortSignal }).cancellation,
    );
    const job = { cancellation: controller.signal };
    await expectAbortedBy(controller, retryable(fn, { ...slow, signal })(job), fn);
    expect(signal).toHaveBeenCalledWith([job]);
  });

  it('the signal option as an AbortSignal', async () => {
    const controller = new AbortController();
    const fn = jest.fn(async () => {
      throw new HttpError(503);
    });
    await expectAbortedBy(controller, retryable(fn, { ...slow, signal: controller.signal })(), fn);
  });

  it('the signal option wins over a signal argument', async () => {
    const optionController = new AbortController();
    const argumentController = new AbortController();
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = retryable(fn, { ...slow, signal: optionController.signal })({
      signal: argumentController.signal,
    });
    await jest.advanceTimersByTimeAsync(500);
    argumentController.abort();
    await jest.advanceTimersByTimeAsync(500);
    await expect(promise).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('without any signal, nothing can abort and the call retries to the end', async () => {
    const fn = rejectsThenResolves([new HttpError(503)], 'ok');
    const promise = retryable(fn, slow)({ signal: 'not a signal' });
    await jest.advanceTimersByTimeAsync(1000);
    await expect(promise).resolves.toBe('ok');
  });
});

describe('abort in other method kinds', () => {
  it('a synchronous function with an already-aborted signal throws the reason synchronously', () => {
    const reason = new Error('cancelled');
    const signal = AbortSignal.abort(reason);
    const fn = jest.fn((_signal: AbortSignal): number => {
      throw new HttpError(503);
    });
    let thrown: unknown;
    try {
      retryable(fn, { ...slow, initialDelay: 0 })(signal);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an async generator aborted while waiting to retry its start rejects with the reason', async () => {
    const controller = new AbortController();
    let calls = 0;
    // Not a jest.fn: a mock wrapper would hide that this is an async generator function.
    const generator = async function* (_options: { signal: AbortSignal }): AsyncGenerator<number> {
      calls += 1;
      throw new HttpError(503);
    };
    const stream = retryable(generator, slow)({ signal: controller.signal });
    const reason = new Error('stop streaming');
    const consumed = (async () => {
      const values: number[] = [];
      for await (const value of stream) values.push(value);
      return values;
    })();
    const assertion = expect(consumed).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(500);
    controller.abort(reason);
    await assertion;
    expect(calls).toBe(1);
  });

  it('RetryContext.wait(signal) rejects with the reason and clears its timer', async () => {
    const controller = new AbortController();
    const context = new RetryContext(slow);
    context.recordFailure(new HttpError(503));
    const reason = { cancelled: true };
    const waiting = context.wait(controller.signal);
    const assertion = expect(waiting).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(500);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort(reason);
    await assertion;
    expect(jest.getTimerCount()).toBe(0);
    expect(context.currentAttempt).toBe(1);
  });

  it('RetryContext uses its signal option when wait() gets none', async () => {
    const controller = new AbortController();
    const context = new RetryContext({ ...slow, signal: controller.signal });
    context.recordFailure(new HttpError(503));
    const waiting = context.wait();
    const reason = new Error('stop');
    const assertion = expect(waiting).rejects.toBe(reason);
    await jest.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await assertion;
  });
});
