import { Classified, Retry, RetryContext, RetryDefaults, retryable, withRetry } from '../../src';
import type { ErrorCategory } from '../../src';

// 1. A predicate that returns a promise would read as "true" (a promise is truthy): it is refused
//    with a TypeError naming it, at definition when it is an async function, else at its first call.
// 2. A sleep never crosses `deadline`, whatever ran between the decision and the sleep (onRetry, or
//    the caller's own code between RetryContext's recordFailure() and wait()).

const transient = (): Error => Object.assign(new Error('unavailable'), { status: 503 });
const badRequest = (): Error => Object.assign(new Error('bad request'), { status: 400 });

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('an async retryOn, retryOnResult or classifier is refused where it is given', () => {
  const asyncFalse = async (): Promise<boolean> => false;
  const asyncCategory = async (): Promise<ErrorCategory | undefined> => undefined;

  it.each([
    ['@Retry retryOn', () => Retry({ retryOn: asyncFalse as never }), 'retryOn'],
    ['@Retry retryOnResult', () => Retry({ retryOnResult: asyncFalse as never }), 'retryOnResult'],
    ['@Retry classifier', () => Retry({ classifier: asyncCategory as never }), 'classifier'],
    ['@RetryDefaults retryOn', () => RetryDefaults({ retryOn: asyncFalse as never }), 'retryOn'],
    ['withRetry retryOn', () => withRetry(() => 1, { retryOn: asyncFalse as never }), 'retryOn'],
    [
      'retryable retryOnResult',
      () => retryable(() => 1, { retryOnResult: asyncFalse as never }),
      'retryOnResult',
    ],
    ['RetryContext retryOn', () => new RetryContext({ retryOn: asyncFalse as never }), 'retryOn'],
    ['@Classified', () => Classified(asyncCategory as never), 'classifier'],
  ])('%s', (_where, give, name) => {
    expect(give).toThrow(TypeError);
    expect(give).toThrow(name);
    expect(give).toThrow(/async|promise/);
  });
});

describe('a plain function that returns a promise is refused at its first call', () => {
  it('retryOn: the call rejects with a TypeError naming retryOn, the failure as its cause, after one attempt', async () => {
    let attempts = 0;
    const failure = badRequest();
    const error = await rejectionOf(
      withRetry(
        () => {
          attempts += 1;
          throw failure;
        },
        { retryOn: (() => Promise.resolve(false)) as never, initialDelay: 0, maxDelay: 0 },
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('"retryOn"');
    expect((error as Error).message).toContain('promise');
    expect((error as Error).cause).toBe(failure);
    expect(attempts).toBe(1);
  });

  it('retryOn: a promise that rejects later is handled, not left unhandled', async () => {
    const error = await rejectionOf(
      withRetry(
        () => {
          throw transient();
        },
        { retryOn: (() => Promise.reject(new Error('late'))) as never, initialDelay: 0 },
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('retryOnResult: the call rejects with a TypeError naming retryOnResult', async () => {
    let calls = 0;
    const error = await rejectionOf(
      withRetry(
        () => {
          calls += 1;
          return 'value';
        },
        { retryOnResult: (() => Promise.resolve(false)) as never, initialDelay: 0, maxDelay: 0 },
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('"retryOnResult"');
    expect((error as Error).cause).toBe('value');
    expect(calls).toBe(1);
  });

  it('on a decorated synchronous method too', () => {
    let calls = 0;
    class Service {
      @Retry({ retryOn: (() => ({ then() {} })) as never, initialDelay: 0, maxDelay: 0 })
      run(): void {
        calls += 1;
        throw transient();
      }
    }
    expect(() => new Service().run()).toThrow(/"retryOn" returned a promise/);
    expect(calls).toBe(1);
  });

  it('RetryContext: recordFailure throws the TypeError', () => {
    const context = new RetryContext({ retryOn: (() => Promise.resolve(true)) as never });
    expect(() => context.recordFailure(transient())).toThrow(/"retryOn" returned a promise/);
  });
});

describe('a sleep never crosses the deadline, whatever ran after the decision', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  /** An onRetry that takes 30 ms (the fake clock moves on while it runs). */
  const slowOnRetry = jest.fn(() => {
    jest.setSystemTime(Date.now() + 30);
  });
  const options = {
    deadline: 20,
    initialDelay: 5,
    maxDelay: 5,
    jitter: 'none',
    onRetry: slowOnRetry,
  } as const;

  beforeEach(() => slowOnRetry.mockClear());

  it('withRetry: an onRetry that blocks past the deadline ends the call before a second attempt', async () => {
    let attempts = 0;
    const onGiveUp = jest.fn();
    const failure = transient();
    const settled = rejectionOf(
      withRetry(
        () => {
          attempts += 1;
          throw failure;
        },
        { ...options, onGiveUp },
      ),
    );
    await jest.advanceTimersByTimeAsync(100);
    expect(await settled).toBe(failure);
    expect(attempts).toBe(1);
    expect(slowOnRetry).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith(failure, 1);
  });

  it('a decorated synchronous method', () => {
    let attempts = 0;
    class Service {
      @Retry(options)
      run(): void {
        attempts += 1;
        throw transient();
      }
    }
    expect(() => new Service().run()).toThrow('unavailable');
    expect(attempts).toBe(1);
  });

  it('RetryContext: time spent between recordFailure() and wait() counts; wait() rejects with the error', async () => {
    const onGiveUp = jest.fn();
    const context = new RetryContext({ ...options, onRetry: undefined, onGiveUp });
    const failure = transient();
    context.recordFailure(failure);
    expect(context.shouldRetry()).toBe(true);
    jest.setSystemTime(Date.now() + 30); // the caller's own work
    await expect(context.wait()).rejects.toBe(failure);
    expect(onGiveUp).toHaveBeenCalledWith(failure, 1);
    expect(context.shouldRetry()).toBe(false);
    expect(context.currentAttempt).toBe(1);
  });

  it('RetryContext for await: an onRetry past the deadline ends the loop with the error', async () => {
    const context = new RetryContext(options);
    const failure = transient();
    const attempts: number[] = [];
    const loop = (async () => {
      for await (const attempt of context) {
        attempts.push(attempt);
        context.recordFailure(failure);
      }
    })();
    const settled = rejectionOf(loop);
    await jest.advanceTimersByTimeAsync(100);
    expect(await settled).toBe(failure);
    expect(attempts).toEqual([1]);
  });
});
