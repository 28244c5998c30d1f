// Basic retry of an unstable API call: a price service answers 503 twice, then 200.
// @Retry retries the 503s (RETRYABLE) with jittered exponential backoff and returns the price.
// Run it: npm run example -- basic-retry
import { request } from 'undici';
import { Retry, classifyError } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

class PriceService {
  constructor(private readonly baseUrl: string) {}

  // Delays shortened so the example runs in a moment; the defaults start at 1 s.
  @Retry({
    maxAttempts: 4,
    initialDelay: 50,
    onRetry: (error, attempt, delayMs) =>
      log(
        `  attempt ${attempt} failed (${classifyError(error)}): ${String(error)}; retrying in ${delayMs} ms`,
      ),
  })
  async price(sku: string): Promise<{ sku: string; cents: number }> {
    const response = await ensureOk(await request(`${this.baseUrl}/prices/${sku}`));
    return (await response.body.json()) as { sku: string; cents: number };
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    server.script('/prices/A-1', [
      { status: 503 },
      { status: 503 },
      { body: { sku: 'A-1', cents: 1299 } },
    ]);
    const service = new PriceService(server.url);
    print('GET /prices/A-1 (the server answers 503, 503, then 200)');
    const price = await service.price('A-1');
    print(
      `price of ${price.sku}: ${price.cents} cents, after ${server.requests('/prices/A-1').length} requests`,
    );
  } finally {
    await server.close();
  }
};
