import {
  Retry,
  RetryContext,
  RetryDefaults,
  RetryOnRateLimit,
  withRetry,
  retryable,
} from '../../src';

// Options are read once: one snapshot of the own enumerable properties is validated, and only that
// snapshot is used. A getter that answers differently on a second read cannot slip past a check.

afterEach(() => {
  jest.useRealTimers();
});

function fickleDeadline(): {
  maxAttempts: number;
  deadline: number;
  initialDelay: number;
  maxDelay: number;
  jitter: 'none';
} {
  let reads = 0;
  return {
    maxAttempts: Infinity,
    initialDelay: 10,
    maxDelay: 10,
    jitter: 'none',
    get deadline(): number {
      reads += 1;
      return (reads === 1 ? 150 : undefined) as number;
    },
  };
}

const transient = (): Error => Object.assign(new Error('unavailable'), { status: 503 });

it('withRetry: a deadline that is there only on the first read still ends maxAttempts: Infinity', async () => {
  jest.useFakeTimers();
  let attempts = 0;
  let outcome: unknown;
  void withRetry(() => {
    attempts += 1;
    throw transient();
  }, fickleDeadline()).then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  await jest.advanceTimersByTimeAsync(1000);
  expect(outcome).toBeInstanceOf(Error);
  expect(attempts).toBeLessThanOrEqual(16);
  expect(jest.getTimerCount()).toBe(0);
});

it('RetryContext: the same fickle deadline bounds the loop', async () => {
  jest.useFakeTimers();
  const context = new RetryContext(fickleDeadline());
  let failures = 0;
  for (; failures < 100; failures++) {
    context.recordFailure(transient());
    if (!context.shouldRetry()) break;
    const waiting = context.wait();
    await jest.advanceTimersByTimeAsync(context.getDelay());
    await waiting;
  }
  expect(failures).toBeLessThanOrEqual(16);
});

describe('every option getter is read exactly once', () => {
  function counted<T extends object>(values: T): { options: T; reads: Map<string, number> } {
    const reads = new Map<string, number>();
    const options = {} as T;
    for (const [key, value] of Object.entries(values)) {
      Object.defineProperty(options, key, {
        enumerable: true,
        get() {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          return value as unknown;
        },
      });
    }
    return { options, reads };
  }
  const all = {
    maxAttempts: 4,
    initialDelay: 5,
    maxDelay: 50,
    exponentialBase: 3,
    jitter: 'none' as const,
    deadline: 1000,
    respectRetryAfter: false,
    idempotent: true,
    onRetry: () => undefined,
  };

  const { idempotent: _notARateLimitOption, ...rateLimitValues } = all;
  const rateLimitAll = { ...rateLimitValues, jitter: 'full' as const };
  it.each([
    ['@Retry', all, (options: object) => Retry(options)],
    ['@RetryOnRateLimit', rateLimitAll, (options: object) => RetryOnRateLimit(options)],
    ['withRetry', all, (options: object) => withRetry(() => 1, options)],
    ['retryable', all, (options: object) => retryable(() => 1, options)],
    ['RetryContext', all, (options: object) => new RetryContext(options)],
  ])('%s', async (_name, values, take) => {
    const { options, reads } = counted(values);
    await take(options);
    for (const [key, count] of reads) expect([key, count]).toEqual([key, 1]);
    expect(reads.size).toBeGreaterThan(0);
  });

  it('@RetryDefaults, nested rateLimit included', () => {
    const { options: rateLimit, reads: rateLimitReads } = counted({
      initialDelay: 5,
      maxDelay: 50,
    });
    const { options, reads } = counted({ ...all, rateLimit });
    RetryDefaults(options);
    for (const [key, count] of [...reads, ...rateLimitReads]) {
      expect([key, count]).toEqual([key, 1]);
    }
  });
});
