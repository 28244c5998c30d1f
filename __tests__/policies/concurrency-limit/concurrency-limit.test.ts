import { getEventListeners } from 'node:events';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimitError,
  ErrorCategory,
  HttpError,
  Retry,
  RetryDefaults,
  classifyError,
  retryable,
  stats,
  withRetry,
  type ConcurrencyRejectedMessage,
} from '../../../src';

// @ConcurrencyLimit / ConcurrencyLimiter with fake timers: slots, the FIFO queue, its time-out,
// aborts while queued, sync methods, and every way of giving it.

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** Calls that stay running until released by hand. */
function gate() {
  const pending: Array<() => void> = [];
  const started: number[] = [];
  return {
    started,
    run(index: number): Promise<number> {
      started.push(index);
      return new Promise((resolve) => pending.push(() => resolve(index)));
    },
    releaseOne(): void {
      pending.shift()!();
    },
    get running(): number {
      return pending.length;
    },
  };
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('ConcurrencyLimitError', () => {
  it('has its code, a NON_RETRYABLE category and a brand that works across copies', () => {
    const error = new ConcurrencyLimitError('full', 2, 0);
    expect(error.code).toBe('TENACIOUS_CONCURRENCY_LIMIT');
    expect(error.category).toBe(ErrorCategory.NON_RETRYABLE);
    expect(classifyError(error)).toBe(ErrorCategory.NON_RETRYABLE);
    const copy = Object.create(
      Object.assign(Object.create(Error.prototype), {
        [Symbol.for('tenacious.error.concurrency-limit')]: true,
      }),
    ) as object;
    expect(copy instanceof ConcurrencyLimitError).toBe(true);
    expect(new Error('x') instanceof ConcurrencyLimitError).toBe(false);
  });
});

describe('fail fast (maxQueued 0)', () => {
  it('runs at most maxConcurrent calls; the rest fail at once; a slot freed is used again', async () => {
    const work = gate();
    class Service {
      @ConcurrencyLimit({ maxConcurrent: 2 })
      async call(index: number): Promise<number> {
        return work.run(index);
      }
    }
    const service = new Service();
    const first = service.call(1);
    const second = service.call(2);
    const third = service.call(3);
    await expect(third).rejects.toMatchObject({
      code: 'TENACIOUS_CONCURRENCY_LIMIT',
      reason: 'full',
    });
    expect(work.started).toEqual([1, 2]);
    work.releaseOne();
    await expect(first).resolves.toBe(1);
    const fourth = service.call(4);
    expect(work.started).toEqual([1, 2, 4]);
    work.releaseOne();
    work.releaseOne();
    await expect(Promise.all([second, fourth])).resolves.toEqual([2, 4]);
    expect(stats(service.call)).toMatchObject({ calls: 4, attempts: 3, rejections: 1 });
  });

  it('works on a synchronous method: the refusal is thrown synchronously', () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    class Service {
      @ConcurrencyLimit(limiter)
      outer(): unknown {
        return caught(() => this.inner());
      }

      @ConcurrencyLimit(limiter)
      inner(): string {
        return 'ran';
      }
    }
    const service = new Service();
    expect(service.outer()).toBeInstanceOf(ConcurrencyLimitError);
    expect(service.inner()).toBe('ran');
    expect(stats(limiter)).toMatchObject({ running: 0, admitted: 2, rejections: 1 });
  });

  it('holds the slot across retries and their waits, and releases it once the call settles', async () => {
    let attempts = 0;
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    class Service {
      @Retry({ maxAttempts: 3, delays: [1_000], budget: false })
      @ConcurrencyLimit(limiter)
      async call(): Promise<string> {
        attempts += 1;
        if (attempts < 3) throw new HttpError(503);
        return 'done';
      }
    }
    const service = new Service();
    const call = service.call();
    await jest.advanceTimersByTimeAsync(500);
    expect(limiter.running).toBe(1);
    await expect(service.call()).rejects.toBeInstanceOf(ConcurrencyLimitError);
    await jest.advanceTimersByTimeAsync(2_000);
    await expect(call).resolves.toBe('done');
    expect(limiter.running).toBe(0);
    expect(attempts).toBe(3);
  });

  it('publishes tenacious:concurrency-rejected with the class, method, limiter and error', async () => {
    const messages: ConcurrencyRejectedMessage[] = [];
    const listener = (message: unknown) => messages.push(message as ConcurrencyRejectedMessage);
    subscribe('tenacious:concurrency-rejected', listener);
    try {
      const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
      const work = gate();
      class Reports {
        @ConcurrencyLimit(limiter)
        async build(index: number): Promise<number> {
          return work.run(index);
        }
      }
      const reports = new Reports();
      const running = reports.build(1);
      const refused = reports.build(2).catch((error: unknown) => error);
      const error = await refused;
      expect(messages).toEqual([{ className: 'Reports', method: 'build', limiter, error }]);
      work.releaseOne();
      await running;
    } finally {
      unsubscribe('tenacious:concurrency-rejected', listener);
    }
  });
});

describe('the queue', () => {
  it('a queue time-out is published on tenacious:concurrency-rejected too', async () => {
    const messages: ConcurrencyRejectedMessage[] = [];
    const listener = (message: unknown) => messages.push(message as ConcurrencyRejectedMessage);
    subscribe('tenacious:concurrency-rejected', listener);
    try {
      const work = gate();
      const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1, queueTimeout: 100 });
      const limited = retryable((index: number) => work.run(index), { concurrencyLimit: limiter });
      const running = limited(1);
      const queued = limited(2).catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(100);
      const error = await queued;
      expect(error).toMatchObject({ reason: 'queue-timeout' });
      expect(messages).toEqual([{ className: undefined, method: 'retryable', limiter, error }]);
      work.releaseOne();
      await running;
    } finally {
      unsubscribe('tenacious:concurrency-rejected', listener);
    }
  });

  it('admits waiting calls in FIFO order, up to maxQueued; the rest fail fast', async () => {
    const work = gate();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 3 });
    const limited = retryable((index: number) => work.run(index), {
      concurrencyLimit: limiter,
      budget: false,
    });
    const calls = [1, 2, 3, 4, 5, 6].map((index) => limited(index));
    await expect(calls[5]).rejects.toMatchObject({ reason: 'full' });
    expect(limiter.queued).toBe(3);
    for (let released = 0; released < 5; released++) {
      await jest.advanceTimersByTimeAsync(0);
      work.releaseOne();
    }
    await expect(Promise.all(calls.slice(0, 5))).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(work.started).toEqual([1, 2, 3, 4, 5]);
    expect(stats(limiter)).toMatchObject({ running: 0, queued: 0, admitted: 5, rejections: 1 });
  });

  it('a call that waits longer than queueTimeout fails with ConcurrencyLimitError (queue-timeout)', async () => {
    const work = gate();
    class Service {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 1, queueTimeout: 500 })
      async call(index: number): Promise<number> {
        return work.run(index);
      }
    }
    const service = new Service();
    const running = service.call(1);
    const queued = service.call(2);
    const settled = expect(queued).rejects.toMatchObject({
      code: 'TENACIOUS_CONCURRENCY_LIMIT',
      reason: 'queue-timeout',
    });
    await jest.advanceTimersByTimeAsync(499);
    expect(work.started).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    await settled;
    work.releaseOne();
    await expect(running).resolves.toBe(1);
    expect(work.started).toEqual([1]);
    expect(stats(service.call)).toMatchObject({ calls: 2, attempts: 1, rejections: 1 });
  });

  it('a call aborted while queued leaves at once with the reason; no timer or listener stays', async () => {
    const work = gate();
    const limiter = new ConcurrencyLimiter({
      maxConcurrent: 1,
      maxQueued: 5,
      queueTimeout: 60_000,
    });
    class Service {
      @ConcurrencyLimit(limiter)
      async call(index: number, options: { signal?: AbortSignal } = {}): Promise<number> {
        void options;
        return work.run(index);
      }
    }
    const service = new Service();
    const controller = new AbortController();
    const running = service.call(1);
    const aborted = service.call(2, { signal: controller.signal });
    const after = service.call(3);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(2);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(jest.getTimerCount()).toBe(1);
    expect(limiter.queued).toBe(1);
    work.releaseOne();
    await jest.advanceTimersByTimeAsync(0);
    expect(work.started).toEqual([1, 3]);
    work.releaseOne();
    await expect(Promise.all([running, after])).resolves.toEqual([1, 3]);
    expect(stats(limiter)).toMatchObject({ running: 0, queued: 0, aborted: 1, rejections: 0 });
  });

  describe('a call aborted after the queue handed it its slot, before it could run', () => {
    // The slot passes to the queued call at once; the call goes on a job later. An abort in
    // between must not run the method, and the slot goes back.
    const reason = new Error('caller gave up');

    async function handOverThenAbort(
      limiter: ConcurrencyLimiter,
      call: (signal: AbortSignal) => Promise<unknown>,
    ): Promise<void> {
      expect(limiter.tryAcquire()).toBe(true); // a slot held elsewhere
      const controller = new AbortController();
      const queued = call(controller.signal);
      expect(limiter.queued).toBe(1);
      limiter.release(); // to the queued call
      controller.abort(reason);
      await expect(queued).rejects.toBe(reason);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(stats(limiter)).toMatchObject({ running: 0, queued: 0 });
    }

    it('a decorated method', async () => {
      const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
      const started: number[] = [];
      class Service {
        @ConcurrencyLimit(limiter)
        async call(index: number, options: { signal?: AbortSignal } = {}): Promise<number> {
          void options;
          started.push(index);
          return index;
        }
      }
      const service = new Service();
      await handOverThenAbort(limiter, (signal) => service.call(1, { signal }));
      expect(started).toEqual([]);
      expect(stats(service.call)).toMatchObject({ attempts: 0, rejections: 1 });
    });

    it('withRetry', async () => {
      const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
      const run = jest.fn(async () => 1);
      await handOverThenAbort(limiter, (signal) =>
        withRetry(run, { concurrencyLimit: limiter, signal }),
      );
      expect(run).not.toHaveBeenCalled();
    });

    it('an async generator method', async () => {
      const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
      const started: number[] = [];
      class Service {
        @ConcurrencyLimit(limiter)
        async *read(options: { signal?: AbortSignal } = {}): AsyncGenerator<number> {
          void options;
          started.push(1);
          yield 1;
        }
      }
      const service = new Service();
      await handOverThenAbort(limiter, (signal) => service.read({ signal }).next());
      expect(started).toEqual([]);
    });
  });

  it('a signal already aborted never enters the queue', async () => {
    const work = gate();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 5 });
    const running = withRetry(() => work.run(1), { concurrencyLimit: limiter });
    const reason = new Error('already');
    const signal = AbortSignal.abort(reason);
    await expect(withRetry(() => work.run(2), { concurrencyLimit: limiter, signal })).rejects.toBe(
      reason,
    );
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(limiter.queued).toBe(0);
    work.releaseOne();
    await running;
    expect(limiter.running).toBe(0);
  });

  it('admission of a queued call is released when the call then fails', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
    const work = gate();
    const running = withRetry(() => work.run(1), { concurrencyLimit: limiter });
    const failing = withRetry(
      async () => {
        throw new HttpError(404);
      },
      { concurrencyLimit: limiter },
    );
    work.releaseOne();
    await running;
    await expect(failing).rejects.toMatchObject({ status: 404 });
    expect(stats(limiter)).toMatchObject({ running: 0, queued: 0, admitted: 2 });
  });

  it('refuses a synchronous method with a queue at its first call, saying why, and frees the slot', () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
    let attempts = 0;
    class Service {
      @Retry({ retryOn: () => true, delays: [0] })
      @ConcurrencyLimit(limiter)
      compute(): number {
        attempts += 1;
        return 42;
      }
    }
    const service = new Service();
    expect(() => service.compute()).toThrow(
      /method "Service.compute" returned a value that is not a promise, under a concurrency limit with a queue \(maxQueued: 1\): a synchronous call cannot wait for a slot/,
    );
    expect(attempts).toBe(1);
    expect(limiter.running).toBe(0);
  });

  it('lets withRetry queue a synchronous function: its call answers with a promise anyway', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 1 });
    const work = gate();
    const running = withRetry(() => work.run(1), { concurrencyLimit: limiter });
    const queued = withRetry(() => 2, { concurrencyLimit: limiter });
    expect(limiter.queued).toBe(1);
    work.releaseOne();
    await expect(Promise.all([running, queued])).resolves.toEqual([1, 2]);
    await expect(withRetry(() => 3, { concurrencyLimit: limiter })).resolves.toBe(3);
    expect(stats(limiter)).toMatchObject({ running: 0, queued: 0, admitted: 3 });
  });
});

describe('async generator methods', () => {
  it('counts a stream the limit refused as a rejection, not as an attempt', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const work = gate();
    class Feed {
      @ConcurrencyLimit(limiter)
      async *read(): AsyncGenerator<number> {
        yield await work.run(1);
      }
    }
    const feed = new Feed();
    const first = feed.read();
    const firstValue = first.next();
    await Promise.resolve();
    await expect(feed.read().next()).rejects.toMatchObject({ reason: 'full' });
    expect(stats(feed.read)).toMatchObject({ calls: 2, attempts: 1, rejections: 1 });
    work.releaseOne();
    await expect(firstValue).resolves.toEqual({ value: 1, done: false });
    await first.return(undefined);
    expect(limiter.running).toBe(0);
  });
});

describe('where the limit is given', () => {
  it('on a class: one limiter for all its decorated methods', async () => {
    const work = gate();
    @ConcurrencyLimit({ maxConcurrent: 1 })
    class Service {
      @Retry()
      async first(): Promise<number> {
        return work.run(1);
      }

      @Retry()
      async second(): Promise<number> {
        return work.run(2);
      }
    }
    const service = new Service();
    const running = service.first();
    await expect(service.second()).rejects.toBeInstanceOf(ConcurrencyLimitError);
    work.releaseOne();
    await running;
  });

  it('in @RetryDefaults: one limiter for the class; a method decorator overrides it', async () => {
    const work = gate();
    @RetryDefaults({ concurrencyLimit: { maxConcurrent: 1 } })
    class Service {
      @Retry()
      async first(): Promise<number> {
        return work.run(1);
      }

      @Retry()
      async second(): Promise<number> {
        return work.run(2);
      }

      @ConcurrencyLimit({ maxConcurrent: 5 })
      async own(): Promise<number> {
        return work.run(3);
      }
    }
    const service = new Service();
    const running = service.first();
    await expect(service.second()).rejects.toBeInstanceOf(ConcurrencyLimitError);
    const own = service.own();
    expect(work.started).toEqual([1, 3]);
    work.releaseOne();
    work.releaseOne();
    await Promise.all([running, own]);
  });

  it('withRetry shares a limiter it is given; stats(limiter) counts it', async () => {
    const work = gate();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const running = withRetry(() => work.run(1), { concurrencyLimit: limiter });
    await expect(withRetry(() => work.run(2), { concurrencyLimit: limiter })).rejects.toThrow(
      'concurrency limit reached: 1 call(s) running and 0 queued',
    );
    work.releaseOne();
    await running;
    expect(stats(limiter)).toEqual({
      running: 0,
      queued: 0,
      admitted: 1,
      rejections: 1,
      aborted: 0,
    });
  });
});

describe('invalid options, refused at definition naming the option and the value', () => {
  it.each([
    [{}, /@ConcurrencyLimit: option "maxConcurrent" is required/],
    [
      { maxConcurrent: 0 },
      /@ConcurrencyLimit: option "maxConcurrent" must be an integer >= 1, got 0/,
    ],
    [{ maxConcurrent: 1.5 }, /option "maxConcurrent" must be an integer >= 1, got 1.5/],
    [{ maxConcurrent: '2' }, /option "maxConcurrent" must be an integer >= 1, got "2"/],
    [
      { maxConcurrent: 1, maxQueued: -1 },
      /option "maxQueued" must be an integer >= 0 or Infinity, got -1/,
    ],
    [
      { maxConcurrent: 1, maxQueued: 1, queueTimeout: 0 },
      /option "queueTimeout" must be .*, got 0/,
    ],
    [
      { maxConcurrent: 1, queueTimeout: 100 },
      /option "queueTimeout" \(100\) needs "maxQueued" > 0/,
    ],
    [{ maxConcurrent: 1, maxWait: 100 }, /unknown option "maxWait" \(value 100\)/],
  ])('%p', (options, message) => {
    expect(() => ConcurrencyLimit(options as never)).toThrow(message);
  });

  it('without options, or with a non-object', () => {
    expect(() => ConcurrencyLimit(undefined as never)).toThrow(
      /@ConcurrencyLimit must be concurrency-limit options .* got undefined/,
    );
    expect(() => new ConcurrencyLimiter({ maxConcurrent: -2 })).toThrow(
      /ConcurrencyLimiter: option "maxConcurrent" must be an integer >= 1, got -2/,
    );
  });

  it('in @RetryDefaults and withRetry, naming the key', () => {
    expect(() => RetryDefaults({ concurrencyLimit: { maxConcurrent: 0 } })).toThrow(
      /@RetryDefaults option "concurrencyLimit": option "maxConcurrent" must be an integer >= 1, got 0/,
    );
    expect(() => RetryDefaults({ concurrencyLimit: 3 as never })).toThrow(
      /option "concurrencyLimit" must be concurrency-limit options or a ConcurrencyLimiter, got 3/,
    );
    expect(() => withRetry(async () => 1, { concurrencyLimit: { maxConcurrent: 0 } })).toThrow(
      /withRetry option "concurrencyLimit": option "maxConcurrent" must be an integer >= 1, got 0/,
    );
  });

  it('on a field or twice on one method', () => {
    expect(() => {
      class Service {
        @ConcurrencyLimit({ maxConcurrent: 1 })
        @ConcurrencyLimit({ maxConcurrent: 2 })
        async call(): Promise<void> {}
      }
      return Service;
    }).toThrow(/@ConcurrencyLimit is applied twice to method "call"/);
    expect(() => {
      class Service {
        // @ts-expect-error a field is refused by the types too
        @ConcurrencyLimit({ maxConcurrent: 1 })
        field = 1;
      }
      return Service;
    }).toThrow(/@ConcurrencyLimit cannot decorate/);
  });
});
