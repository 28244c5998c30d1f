// Per-class defaults with @RetryDefaults: the class sets maxAttempts and delays for its @Retry
// methods and, under `rateLimit`, for its @RetryOnRateLimit methods. A subclass's own
// @RetryDefaults overrides one field and keeps the rest; options on a method override both; a
// method without a decorator is not retried. The server fails every request, so the number of
// requests it saw is the number of attempts each method made.
// Run it: npm run example -- class-defaults
import { request } from 'undici';
import { Retry, RetryDefaults, RetryOnRateLimit } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer, type ScriptedHttpServer } from './servers/http-server';

// Delays shortened so the example runs in a moment; the defaults start at 1 s (2 s for rate limits).
@RetryDefaults({
  maxAttempts: 4,
  initialDelay: 10,
  maxDelay: 40,
  rateLimit: { maxAttempts: 6, initialDelay: 10, maxDelay: 40 },
})
class CatalogService {
  constructor(protected readonly baseUrl: string) {}

  @Retry()
  async product(id: string): Promise<unknown> {
    return this.get(`/products/${id}`);
  }

  @Retry({ maxAttempts: 2 })
  async price(id: string): Promise<unknown> {
    return this.get(`/prices/${id}`);
  }

  @RetryOnRateLimit()
  async bulkExport(id: string): Promise<unknown> {
    return this.get(`/exports/${id}`);
  }

  async health(id: string): Promise<unknown> {
    return this.get(`/health/${id}`);
  }

  protected async get(path: string): Promise<unknown> {
    return (await ensureOk(await request(`${this.baseUrl}${path}`))).body.json();
  }
}

// Overrides maxAttempts only: initialDelay, maxDelay and the rateLimit defaults come from CatalogService.
@RetryDefaults({ maxAttempts: 5 })
class PremiumCatalogService extends CatalogService {}

async function attemptsOf(
  server: ScriptedHttpServer,
  path: string,
  call: () => Promise<unknown>,
): Promise<string> {
  try {
    await call();
    return 'succeeded (unexpected)';
  } catch (error) {
    return `${String(error)} after ${server.requests(path).length} request(s)`;
  }
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    for (const id of ['C-1', 'C-2']) {
      server.script(`/products/${id}`, [{ status: 503 }]);
      server.script(`/prices/${id}`, [{ status: 503 }]);
      server.script(`/exports/${id}`, [{ status: 429 }]);
      server.script(`/health/${id}`, [{ status: 503 }]);
    }
    const catalog = new CatalogService(server.url);
    const premium = new PremiumCatalogService(server.url);

    print('every request fails (503, or 429 for exports)');
    print(
      `CatalogService.product, class default maxAttempts 4: ${await attemptsOf(server, '/products/C-1', () => catalog.product('C-1'))}`,
    );
    print(
      `PremiumCatalogService.product, subclass maxAttempts 5: ${await attemptsOf(server, '/products/C-2', () => premium.product('C-2'))}`,
    );
    print(
      `CatalogService.price, method maxAttempts 2: ${await attemptsOf(server, '/prices/C-1', () => catalog.price('C-1'))}`,
    );
    print(
      `PremiumCatalogService.price, method maxAttempts 2 wins: ${await attemptsOf(server, '/prices/C-2', () => premium.price('C-2'))}`,
    );
    print(
      `CatalogService.bulkExport, class rateLimit maxAttempts 6: ${await attemptsOf(server, '/exports/C-1', () => catalog.bulkExport('C-1'))}`,
    );
    print(
      `PremiumCatalogService.bulkExport, rateLimit inherited: ${await attemptsOf(server, '/exports/C-2', () => premium.bulkExport('C-2'))}`,
    );
    print(
      `CatalogService.health, not decorated: ${await attemptsOf(server, '/health/C-1', () => catalog.health('C-1'))}`,
    );
  } finally {
    await server.close();
  }
};
