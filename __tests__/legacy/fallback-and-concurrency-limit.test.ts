import 'reflect-metadata';
import { getEventListeners } from 'node:events';
import {
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimitError,
  ErrorCategory,
  Fallback,
  HttpError,
  Retry,
  RetryDefaults,
} from '../../src';

// @ConcurrencyLimit and @Fallback under experimentalDecorators (tsconfig.legacy.json), with
// emitDecoratorMetadata, as NestJS and Angular projects compile them.

const instant = { maxAttempts: 3, delays: [0], budget: false } as const;

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
  };
}

describe('legacy @ConcurrencyLimit', () => {
  it('limits, queues in FIFO order and fails fast beyond the queue', async () => {
    const work = gate();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueued: 2 });
    class Service {
      @Retry(instant)
      @ConcurrencyLimit(limiter)
      async call(index: number): Promise<number> {
        return work.run(index);
      }
    }
    const service = new Service();
    const calls = [1, 2, 3].map((index) => service.call(index));
    await expect(service.call(4)).rejects.toBeInstanceOf(ConcurrencyLimitError);
    for (let index = 0; index < 3; index++) {
      await new Promise(setImmediate);
      work.releaseOne();
    }
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3]);
    expect(work.started).toEqual([1, 2, 3]);
    expect(limiter.running).toBe(0);
  });

  it('an aborted queued call leaves the queue and its listener is removed', async () => {
    const work = gate();
    class Service {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 1 })
      async call(index: number, signal?: AbortSignal): Promise<number> {
        void signal;
        return work.run(index);
      }
    }
    const service = new Service();
    const running = service.call(1);
    const controller = new AbortController();
    const queued = service.call(2, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    work.releaseOne();
    await expect(running).resolves.toBe(1);
  });

  it('on a class and from @RetryDefaults; invalid options refused at definition', async () => {
    const work = gate();
    @RetryDefaults({ concurrencyLimit: { maxConcurrent: 1 } })
    class Service {
      @Retry(instant)
      async first(): Promise<number> {
        return work.run(1);
      }

      @Retry(instant)
      async second(): Promise<number> {
        return work.run(2);
      }
    }
    const service = new Service();
    const running = service.first();
    await expect(service.second()).rejects.toBeInstanceOf(ConcurrencyLimitError);
    work.releaseOne();
    await running;
    expect(() => ConcurrencyLimit({ maxConcurrent: 0 })).toThrow(
      /@ConcurrencyLimit: option "maxConcurrent" must be an integer >= 1, got 0/,
    );
  });
});

describe('legacy @Fallback', () => {
  it('falls back after the retries, with this and the arguments, sync and async', async () => {
    let attempts = 0;
    class Service {
      readonly name = 'service';

      @Fallback(function (this: Service, error: unknown, id: string) {
        return `${this.name}:${id}:${(error as HttpError).status}`;
      })
      @Retry(instant)
      async get(id: string): Promise<string> {
        attempts += 1;
        throw new HttpError(503, {}, id);
      }

      @Retry(instant)
      @Fallback('sync fallback', { on: [ErrorCategory.NON_RETRYABLE] })
      compute(): string {
        throw new HttpError(404);
      }
    }
    const service = new Service();
    await expect(service.get('A')).resolves.toBe('service:A:503');
    expect(attempts).toBe(3);
    expect(service.compute()).toBe('sync fallback');
  });

  it('on a class; a caller’s abort never falls back; invalid options refused', async () => {
    @Fallback('class-wide')
    class Service {
      @Retry(instant)
      async get(): Promise<string> {
        throw new HttpError(404);
      }

      @Retry(instant)
      async aborted(): Promise<string> {
        throw new DOMException('stopped', 'AbortError');
      }
    }
    await expect(new Service().get()).resolves.toBe('class-wide');
    await expect(new Service().aborted()).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => Fallback('x', { on: [] })).toThrow(/@Fallback: option "on" must be at least one/);
  });
});
