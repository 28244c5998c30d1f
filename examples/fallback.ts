// @Fallback stacked with @Retry: when the recommendations service stays down after the retries,
// the call answers with the last good list instead of failing; a 404 (a product the service does
// not know) answers with an empty list; a caller's abort is never replaced by a fallback.
// Run it: npm run example -- fallback
import { request } from 'undici';
import { ErrorCategory, Fallback, HttpError, Retry } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

class Recommendations {
  private readonly lastGood = new Map<string, string[]>();

  constructor(private readonly baseUrl: string) {}

  // Called with the failure, the method's arguments and its `this` once the retries are done.
  @Fallback(
    function (this: Recommendations, error: unknown, sku: string) {
      if (error instanceof HttpError && error.status === 404) return [];
      return this.lastGood.get(sku) ?? [];
    },
    { on: [ErrorCategory.RETRYABLE, ErrorCategory.NON_RETRYABLE] },
  )
  @Retry({ maxAttempts: 3, delays: [10] })
  async forProduct(sku: string, signal?: AbortSignal): Promise<string[]> {
    const response = await ensureOk(await request(`${this.baseUrl}/recs/${sku}`, { signal }));
    const list = (await response.body.json()) as string[];
    this.lastGood.set(sku, list);
    return list;
  }
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    const service = new Recommendations(server.url);
    server.script('/recs/A-1', [{ body: ['B-2', 'C-3'] }, { status: 503 }]);
    print(`live: ${(await service.forProduct('A-1')).join(', ')}`);
    const before = server.requests('/recs/A-1').length;
    const cached = await service.forProduct('A-1');
    print(
      `service down: ${cached.join(', ')} (the last good list, after ${server.requests('/recs/A-1').length - before} requests)`,
    );
    server.script('/recs/Z-9', [{ status: 404 }]);
    print(`unknown product: [${(await service.forProduct('Z-9')).join(', ')}]`);
    server.script('/recs/A-1', [{ status: 503 }]);
    const controller = new AbortController();
    controller.abort(new Error('request cancelled by the caller'));
    const aborted = await service
      .forProduct('A-1', controller.signal)
      .catch((error: unknown) => error);
    print(`aborted by the caller: ${(aborted as Error).message} (no fallback)`);
  } finally {
    await server.close();
  }
};
