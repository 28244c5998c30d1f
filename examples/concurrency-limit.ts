// A concurrency limit in front of a dependency that can take only a few requests at once:
// @ConcurrencyLimit lets 3 run, queues up to 5 more in FIFO order, and fails the rest fast with
// ConcurrencyLimitError. A queued call whose caller gives up (AbortSignal) leaves the queue.
// Run it: npm run example -- concurrency-limit
import { request } from 'undici';
import { ConcurrencyLimit, ConcurrencyLimiter, ConcurrencyLimitError, stats } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

const limiter = new ConcurrencyLimiter({ maxConcurrent: 3, maxQueued: 5 });

class ThumbnailService {
  /** The ids in the order their calls got a slot and started. */
  readonly started: number[] = [];

  constructor(private readonly baseUrl: string) {}

  @ConcurrencyLimit(limiter)
  async render(id: number, options: { signal?: AbortSignal } = {}): Promise<string> {
    this.started.push(id);
    const response = await ensureOk(
      await request(`${this.baseUrl}/render?id=${id}`, { signal: options.signal }),
    );
    return response.body.text();
  }
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    // Each render takes 30 ms: slow enough for the queue to fill.
    server.script('/render', [(request) => ({ body: `thumbnail ${request.url}`, delayMs: 30 })]);
    const service = new ThumbnailService(server.url);
    const controller = new AbortController();
    const calls = Array.from({ length: 10 }, (_, index) =>
      service.render(index + 1, index === 4 ? { signal: controller.signal } : {}),
    );
    print(`10 calls made: ${limiter.running} running, ${limiter.queued} queued`);
    controller.abort(new Error('call 5: the user closed the page'));
    const outcomes = await Promise.allSettled(calls);
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      const error: unknown = outcome.reason;
      print(
        error instanceof ConcurrencyLimitError
          ? `call ${index + 1} failed fast: ${error.code} (${error.reason})`
          : `call ${index + 1} left the queue: ${(error as Error).message}`,
      );
    });
    print(`calls started in the order they were made: ${service.started.join(', ')}`);
    print(`the server rendered ${server.requests('/render').length} thumbnails`);
    const { admitted, rejections, aborted } = stats(limiter);
    print(`stats: ${admitted} admitted, ${rejections} rejected, ${aborted} aborted while queued`);
  } finally {
    await server.close();
  }
};
