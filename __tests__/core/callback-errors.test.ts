import { HttpError, Retry, RetryContext, retryable, withRetry, type RetryOptions } from '../../src';

// The rule for user code that tenacious runs while it handles an attempt (src/core/user-callback.ts):
// what it throws ends the call at once, as that very value, and the outcome it was handling becomes
// the thrown error's `cause` when that error has none.

const failure = new HttpError(503);

/** A callback that throws `thrown`, and the options that install it. */
type CallbackCase = readonly [name: string, options: (thrown: unknown) => RetryOptions];

const callbacksSeeingAnError: readonly CallbackCase[] = [
  [
    'classifier',
    (thrown) => ({
      classifier: () => {
        throw thrown;
      },
    }),
  ],
  [
    'retryOn predicate',
    (thrown) => ({
      retryOn: () => {
        throw thrown;
      },
    }),
  ],
  [
    'onRetry',
    (thrown) => ({
      onRetry: () => {
        throw thrown;
      },
    }),
  ],
  [
    'signal option',
    (thrown) => ({
      signal: () => {
        throw thrown;
      },
    }),
  ],
];

const immediate: RetryOptions = { initialDelay: 0, maxDelay: 0, maxAttempts: 3 };

describe('an error thrown by a callback while an attempt failed', () => {
  it.each(callbacksSeeingAnError)(
    '%s: an async call rejects with it, the failure as its cause, after one attempt',
    async (_name, options) => {
      const thrown = new Error('bug in the hook');
      const attempt = jest.fn(async () => {
        throw failure;
      });
      const rejection = await retryable(attempt, { ...immediate, ...options(thrown) })().catch(
        (error: unknown) => error,
      );
      expect(rejection).toBe(thrown);
      expect((rejection as Error).cause).toBe(failure);
      expect(attempt).toHaveBeenCalledTimes(1);
    },
  );

  it.each(callbacksSeeingAnError)(
    '%s: a synchronous call throws it, the failure as its cause',
    (_name, options) => {
      const thrown = new Error('bug in the hook');
      const attempt = jest.fn(() => {
        throw failure;
      });
      const call = retryable(attempt, { ...immediate, ...options(thrown) });
      expect(call).toThrow(thrown);
      expect(thrown.cause).toBe(failure);
      expect(attempt).toHaveBeenCalledTimes(1);
    },
  );

  it.each(callbacksSeeingAnError)(
    '%s: a stream rejects with it before its first value',
    async (_name, options) => {
      const thrown = new Error('bug in the hook');
      const starts = jest.fn();
      const stream = retryable(
        async function* () {
          starts();
          yield* [];
          throw failure;
        },
        { ...immediate, ...options(thrown) },
      );
      await expect(stream().next()).rejects.toBe(thrown);
      expect(thrown.cause).toBe(failure);
      expect(starts).toHaveBeenCalledTimes(1);
    },
  );

  it('onGiveUp: the call rejects with its error instead of the last failure, which becomes the cause', async () => {
    const thrown = new Error('bug in onGiveUp');
    const attempt = jest.fn(async () => {
      throw failure;
    });
    const onGiveUp = (): never => {
      throw thrown;
    };
    await expect(withRetry(attempt, { ...immediate, onGiveUp })).rejects.toBe(thrown);
    expect(thrown.cause).toBe(failure);
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('a decorated method follows the same rule', async () => {
    const thrown = new TypeError('classifier bug');
    class Service {
      attempts = 0;
      @Retry({
        ...immediate,
        classifier: () => {
          throw thrown;
        },
      })
      async fetchReport(): Promise<string> {
        this.attempts += 1;
        throw failure;
      }
    }
    const service = new Service();
    await expect(service.fetchReport()).rejects.toBe(thrown);
    expect(thrown.cause).toBe(failure);
    expect(service.attempts).toBe(1);
  });
});

describe('an error thrown by retryOnResult', () => {
  const wantsRetry = (result: unknown): boolean => result === 'busy';

  it.each([
    ['on the first result', ['bad'], 1],
    ['on a later result', ['busy', 'bad'], 2],
  ] as const)(
    '%s: the call rejects with it, the result as its cause',
    async (_name, results, expectedAttempts) => {
      const thrown = new Error('cannot judge');
      let call = 0;
      const attempt = jest.fn(async () => results[call++]);
      const retryOnResult = (result: unknown): boolean => {
        if (result === 'bad') throw thrown;
        return wantsRetry(result);
      };
      await expect(withRetry(attempt, { ...immediate, retryOnResult })).rejects.toBe(thrown);
      expect(thrown.cause).toBe('bad');
      expect(attempt).toHaveBeenCalledTimes(expectedAttempts);
    },
  );

  it('on a synchronous result: the call throws it', () => {
    const thrown = new Error('cannot judge');
    const call = retryable(() => 'bad', {
      ...immediate,
      retryOnResult: () => {
        throw thrown;
      },
    });
    expect(call).toThrow(thrown);
    expect(thrown.cause).toBe('bad');
  });

  it('is read for truthiness: a non-boolean answer does not throw', async () => {
    let call = 0;
    const attempt = async (): Promise<number> => ++call;
    const retryOnResult = ((result: number) => (result < 3 ? 'yes' : 0)) as unknown as (
      result: unknown,
    ) => boolean;
    await expect(withRetry(attempt, { ...immediate, retryOnResult })).resolves.toBe(3);
  });
});

describe('what the thrown value keeps', () => {
  const classifierThrowing = (thrown: unknown): RetryOptions => ({
    ...immediate,
    classifier: () => {
      throw thrown;
    },
  });

  it('an error that already has a cause keeps its own', async () => {
    const ownCause = new Error('own cause');
    const thrown = new Error('hook', { cause: ownCause });
    await expect(
      withRetry(async () => Promise.reject(failure), classifierThrowing(thrown)),
    ).rejects.toBe(thrown);
    expect(thrown.cause).toBe(ownCause);
  });

  it('a frozen error is thrown unchanged', async () => {
    const thrown = Object.freeze(new Error('frozen'));
    await expect(
      withRetry(async () => Promise.reject(failure), classifierThrowing(thrown)),
    ).rejects.toBe(thrown);
    expect('cause' in thrown).toBe(false);
  });

  it.each([
    ['a string', 'hook failed'],
    ['undefined', undefined],
    ['a number', 42],
    ['null', null],
  ])('%s is thrown as is', async (_name, thrown) => {
    const rejection = await withRetry(
      async () => Promise.reject(failure),
      classifierThrowing(thrown),
    ).then(
      () => 'resolved',
      (error: unknown) => ({ error }),
    );
    expect(rejection).toEqual({ error: thrown });
  });

  it('a hook that rethrows the failure itself does not make it its own cause', async () => {
    const onRetry = (error: unknown): never => {
      throw error;
    };
    await expect(
      withRetry(async () => Promise.reject(failure), { ...immediate, onRetry }),
    ).rejects.toBe(failure);
    expect('cause' in failure).toBe(false);
  });

  it('the cause is not enumerable, as with new Error(message, { cause })', async () => {
    const thrown = new Error('hook');
    await expect(
      withRetry(async () => Promise.reject(failure), classifierThrowing(thrown)),
    ).rejects.toBe(thrown);
    expect(Object.getOwnPropertyDescriptor(thrown, 'cause')).toEqual({
      value: failure,
      writable: true,
      enumerable: false,
      configurable: true,
    });
  });

  it('a revoked Proxy is thrown as is', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    // Wrapped, because resolving a promise with the proxy itself would read its `then`.
    const rejection = await withRetry(
      async () => Promise.reject(failure),
      classifierThrowing(proxy),
    ).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    expect(rejection?.error === proxy).toBe(true);
  });
});

describe('a callback that returns garbage', () => {
  it('a classifier answer that is not an ErrorCategory is a TypeError naming the value, with the failure as cause', async () => {
    const classifier = (() => 'RETRYABLE') as unknown as RetryOptions['classifier'];
    const rejection = await withRetry(async () => Promise.reject(failure), {
      ...immediate,
      classifier,
    }).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(TypeError);
    expect((rejection as Error).message).toMatch(/classifier returned "RETRYABLE"/);
    expect((rejection as Error).cause).toBe(failure);
  });

  it('a signal option that returns no AbortSignal is a TypeError naming the value, with the failure as cause', async () => {
    const signal = (() => 'stop') as unknown as RetryOptions['signal'];
    const rejection = await withRetry(async () => Promise.reject(failure), {
      ...immediate,
      signal,
    }).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(TypeError);
    expect((rejection as Error).message).toBe(
      'option "signal" returned "stop"; it must return an AbortSignal or undefined',
    );
    expect((rejection as Error).cause).toBe(failure);
  });

  it('a signal option that throws runs once, also with a fallback that asks about the abort', async () => {
    let runs = 0;
    const signal = (() => {
      runs += 1;
      throw new Error('signal option threw');
    }) as unknown as RetryOptions['signal'];
    const result = await withRetry(async () => Promise.reject(failure), {
      ...immediate,
      signal,
      fallback: { to: 'fell back' },
    });
    expect(result).toBe('fell back');
    expect(runs).toBe(1);
  });

  it('a signal without removeEventListener is no AbortSignal: a TypeError, not a hung hedged call', async () => {
    const halfSignal = { aborted: false, addEventListener: () => undefined };
    const rejection = await withRetry(async () => 'never settles the call', {
      ...immediate,
      hedge: { delay: 50 },
      signal: () => halfSignal as unknown as AbortSignal,
    }).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(TypeError);
    expect((rejection as Error).message).toBe(
      'option "signal" returned {"aborted":false}, and its "removeEventListener" is not a function; it must return an AbortSignal or undefined',
    );
  });

  it('what onRetry and onGiveUp return is ignored', async () => {
    let call = 0;
    const attempt = async (): Promise<string> => {
      call += 1;
      if (call < 3) throw failure;
      return 'done';
    };
    const hooks = { onRetry: () => 'ignored', onGiveUp: () => 42 } as unknown as RetryOptions;
    await expect(withRetry(attempt, { ...immediate, ...hooks })).resolves.toBe('done');
  });

  it('a random source outside [0, 1) still gives delays within [0, maxDelay]', async () => {
    const delays: number[] = [];
    for (const random of [() => Number.NaN, () => -5, () => 7, () => Number.POSITIVE_INFINITY]) {
      await withRetry(async () => Promise.reject(failure), {
        initialDelay: 0,
        maxDelay: 0,
        maxAttempts: 2,
        random,
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      }).catch(() => undefined);
    }
    expect(delays).toEqual([0, 0, 0, 0]);
  });
});

describe('RetryContext follows the same rule', () => {
  it('recordFailure throws a classifier error with the recorded error as cause', () => {
    const thrown = new Error('classifier bug');
    const context = new RetryContext({
      classifier: () => {
        throw thrown;
      },
    });
    expect(() => context.recordFailure(failure)).toThrow(thrown);
    expect(thrown.cause).toBe(failure);
  });

  it('wait() rejects with an onRetry error, the recorded error as cause', async () => {
    const thrown = new Error('onRetry bug');
    const context = new RetryContext({
      ...immediate,
      onRetry: () => {
        throw thrown;
      },
    });
    context.recordFailure(failure);
    await expect(context.wait()).rejects.toBe(thrown);
    expect(thrown.cause).toBe(failure);
  });

  it('recordFailure throws an onGiveUp error, the recorded error as cause', () => {
    const thrown = new Error('onGiveUp bug');
    const context = new RetryContext({
      maxAttempts: 1,
      onGiveUp: () => {
        throw thrown;
      },
    });
    expect(() => context.recordFailure(failure)).toThrow(thrown);
    expect(thrown.cause).toBe(failure);
  });
});
