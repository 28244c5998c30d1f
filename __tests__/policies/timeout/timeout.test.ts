import {
  AttemptTimeoutError,
  ErrorCategory,
  Retry,
  RetryDefaults,
  Timeout,
  classifyError,
  currentAttempt,
  retryable,
  withRetry,
} from '../../../src';

// @Timeout's rules with jest's fake timers: the attempt's signal aborts with AttemptTimeoutError,
// which @Retry retries; the caller's abort reaches the attempt's signal; nothing is left scheduled
// or listening once a call has settled; a synchronous method is refused at its first call.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

const exact = { maxAttempts: 3, delays: [10], budget: false } as const;

/** A method body that waits `ms` (fake time) or until its attempt's signal aborts. */
function work(ms: number, value: string): Promise<string> {
  const { signal } = currentAttempt()!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

test('an attempt past its limit is aborted with AttemptTimeoutError and retried', async () => {
  const reasons: unknown[] = [];
  class Service {
    @Retry(exact)
    @Timeout(100)
    async fetch(): Promise<string> {
      const { attempt, signal } = currentAttempt()!;
      signal.addEventListener('abort', () => reasons.push(signal.reason));
      return work(attempt === 1 ? 1000 : 50, `attempt ${attempt}`);
    }
  }
  const call = new Service().fetch();
  await jest.advanceTimersByTimeAsync(100);
  expect(reasons).toHaveLength(1);
  expect(reasons[0]).toBeInstanceOf(AttemptTimeoutError);
  await jest.advanceTimersByTimeAsync(60);
  await expect(call).resolves.toBe('attempt 2');
});

test('AttemptTimeoutError: code, category TIMEOUT, brand across copies', () => {
  const error = new AttemptTimeoutError(250, 2);
  expect(error).toMatchObject({
    name: 'AttemptTimeoutError',
    code: 'TENACIOUS_ATTEMPT_TIMEOUT',
    category: ErrorCategory.TIMEOUT,
    timeout: 250,
    attempt: 2,
    message: 'attempt 2 timed out after 250 ms',
  });
  expect(classifyError(error)).toBe(ErrorCategory.TIMEOUT);
  // An error made by another copy of the package carries the same Symbol.for brand.
  const copy = Object.create({ [Symbol.for('tenacious.error.attempt-timeout')]: true }) as object;
  expect(copy).toBeInstanceOf(AttemptTimeoutError);
  expect({}).not.toBeInstanceOf(AttemptTimeoutError);
});

test('every attempt timing out: the call rejects with the last AttemptTimeoutError', async () => {
  const slow = retryable(() => work(1000, 'late'), { ...exact, timeout: 100 });
  const call = slow();
  const settled = expect(call).rejects.toMatchObject({
    code: 'TENACIOUS_ATTEMPT_TIMEOUT',
    attempt: 3,
  });
  await jest.advanceTimersByTimeAsync(100 + 10 + 100 + 10 + 100);
  await settled;
});

test('the time limit rejects even when the method ignores its signal', async () => {
  let finished = false;
  const call = withRetry(
    () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          finished = true;
          resolve('late');
        }, 1000),
      ),
    { timeout: 100, maxAttempts: 1 },
  );
  const settled = expect(call).rejects.toBeInstanceOf(AttemptTimeoutError);
  await jest.advanceTimersByTimeAsync(100);
  await settled;
  expect(finished).toBe(false);
  await jest.advanceTimersByTimeAsync(900); // the method's own timer runs out; nothing else is left
  expect(finished).toBe(true);
});

test("the caller's abort aborts the running attempt's signal with its reason", async () => {
  const controller = new AbortController();
  let attemptSignal: AbortSignal | undefined;
  class Service {
    @Retry(exact)
    @Timeout(1000)
    async fetch(request: { signal: AbortSignal }): Promise<string> {
      void request;
      attemptSignal = currentAttempt()!.signal;
      return work(500, 'done');
    }
  }
  const call = new Service().fetch({ signal: controller.signal });
  const settled = expect(call).rejects.toBe('caller left');
  await jest.advanceTimersByTimeAsync(10);
  controller.abort('caller left');
  await settled;
  expect(attemptSignal!.aborted).toBe(true);
  expect(attemptSignal!.reason).toBe('caller left');
});

test('a call that succeeds leaves no timer and no listener on the caller’s signal', async () => {
  const controller = new AbortController();
  const listeners = jest.spyOn(controller.signal, 'addEventListener');
  const removed = jest.spyOn(controller.signal, 'removeEventListener');
  const fast = retryable((_request: { signal: AbortSignal }) => work(10, 'ok'), { timeout: 100 });
  const call = fast({ signal: controller.signal });
  await jest.advanceTimersByTimeAsync(10);
  await expect(call).resolves.toBe('ok');
  expect(listeners).toHaveBeenCalledTimes(1);
  expect(removed).toHaveBeenCalledTimes(1);
});

test('currentAttempt() is undefined outside an attempt and in a method without a context', async () => {
  class Service {
    @Retry(exact)
    async plain(): Promise<unknown> {
      return currentAttempt();
    }
  }
  expect(currentAttempt()).toBeUndefined();
  await expect(new Service().plain()).resolves.toBeUndefined();
});

test('@RetryDefaults({ attemptContext: true }) gives currentAttempt() without a time limit', async () => {
  @RetryDefaults({ attemptContext: true, ...exact })
  class Service {
    calls = 0;
    @Retry()
    async fetch(): Promise<number> {
      this.calls += 1;
      const { attempt, signal } = currentAttempt()!;
      expect(signal.aborted).toBe(false);
      if (attempt < 2) throw Object.assign(new Error('busy'), { status: 503 });
      return attempt;
    }
    @Retry()
    sync(): number | undefined {
      return currentAttempt()?.attempt; // a context works for a synchronous method too
    }
  }
  const service = new Service();
  const call = service.fetch();
  await jest.advanceTimersByTimeAsync(10);
  await expect(call).resolves.toBe(2);
  expect(service.sync()).toBe(1);
});

test('@Timeout from @RetryDefaults and on a class', async () => {
  @RetryDefaults({ timeout: { ms: 100 }, maxAttempts: 1 })
  class ByDefaults {
    @Retry()
    async fetch(): Promise<string> {
      return work(1000, 'late');
    }
  }
  @Timeout(100)
  class ByDecorator {
    @Retry({ maxAttempts: 1 })
    async fetch(): Promise<string> {
      return work(1000, 'late');
    }
  }
  for (const service of [new ByDefaults(), new ByDecorator()]) {
    const settled = expect(service.fetch()).rejects.toBeInstanceOf(AttemptTimeoutError);
    await jest.advanceTimersByTimeAsync(100);
    await settled;
  }
});

test('a synchronous method is refused at its first call, saying why', () => {
  class Service {
    // @ts-expect-error -- a synchronous method does not compile under @Timeout either
    @Timeout(100)
    total(): number {
      return 1;
    }
  }
  expect(() => new Service().total()).toThrow(
    /@Timeout on Service\.total: it returned a value that is not a promise; @Timeout cannot stop or race a synchronous function/,
  );
});

test('a synchronous function given to retryable or withRetry is refused naming the option', async () => {
  const total = retryable(
    function total() {
      return 1;
    },
    { timeout: 100 },
  );
  expect(() => total()).toThrow(
    /^the timeout option of total: it returned a value that is not a promise; the timeout option cannot stop or race a synchronous function.*or remove the timeout option$/,
  );
  await expect(withRetry(() => 1, { timeout: 100 })).rejects.toThrow(
    /^the timeout option of withRetry: it returned a value that is not a promise/,
  );
});

test('a synchronous generator is refused at definition', () => {
  expect(() => {
    class Service {
      // @ts-expect-error -- not an asynchronous method
      @Timeout(100)
      *items(): Generator<number> {
        yield 1;
      }
    }
    return Service;
  }).toThrow(/cannot retry a synchronous generator function/);
});

test.each<[string, () => unknown, RegExp]>([
  ['a negative ms', () => Timeout(-1), /@Timeout: option "ms" must be .*> 0.*got -1/],
  ['zero', () => Timeout({ ms: 0 }), /option "ms" must be .*got 0/],
  ['NaN', () => Timeout(NaN), /option "ms" must be .*got NaN/],
  [
    'a string',
    () => Timeout('5s' as never),
    /@Timeout: expected a number of milliseconds or \{ ms \}, got "5s"/,
  ],
  ['an unknown key', () => Timeout({ ms: 5, seconds: 1 } as never), /unknown option "seconds"/],
  ['no ms', () => Timeout({} as never), /option "ms" is required/],
  [
    'in @RetryDefaults',
    () => RetryDefaults({ timeout: -5 }),
    /@RetryDefaults option "timeout": option "ms" must be .*got -5/,
  ],
  [
    'in withRetry',
    () => withRetry(async () => 1, { timeout: 'x' as never }),
    /option "timeout" must be a number of milliseconds or \{ ms \}, got "x"/,
  ],
  [
    'in retryable',
    () => retryable(async () => 1, { timeout: { ms: -1 } }),
    /option "ms" must be .*got -1/,
  ],
])('refuses %s, naming the option and the value', (_label, define, message) => {
  expect(define).toThrow(message);
});

test('applied twice to one method is refused', () => {
  expect(() => {
    class Service {
      @Timeout(100)
      @Timeout(200)
      async fetch(): Promise<void> {}
    }
    return Service;
  }).toThrow(/@Timeout is applied twice to method "fetch"/);
});
