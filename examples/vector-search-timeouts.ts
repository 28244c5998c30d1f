// Retrying only timeouts: a vector-search client posts a query vector to /search with a time limit
// per attempt, and `retryCategories: [ErrorCategory.TIMEOUT]` retries a search that timed out but
// nothing else. The server hangs on the first search (the limit's DOMException TimeoutError is
// TIMEOUT) and answers the second; a later 503 (RETRYABLE) is thrown at once, because only TIMEOUT
// is listed.
// Run it: npm run example -- vector-search-timeouts
import { request } from 'undici';
import { ErrorCategory, Retry, classifyError } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

interface SearchHit {
  readonly id: string;
  readonly score: number;
}

class VectorSearchClient {
  constructor(private readonly baseUrl: string) {}

  // Delays shortened so the example runs in a moment; the defaults start at 1 s.
  @Retry({
    retryCategories: [ErrorCategory.TIMEOUT],
    maxAttempts: 3,
    initialDelay: 20,
    onRetry: (error, attempt, delayMs) =>
      log(
        `  attempt ${attempt} failed (${classifyError(error)}): ${String(error)}; retrying in ${delayMs} ms`,
      ),
  })
  async search(index: string, vector: readonly number[], topK: number): Promise<SearchHit[]> {
    const response = await request(`${this.baseUrl}/search`, {
      // A new limit for every attempt, made inside the retried method: a signal passed in as an
      // argument would instead cancel the whole call, retries included. (undici's own
      // headersTimeout works too, but it is checked on a ~500 ms clock: too coarse for 100 ms.)
      signal: AbortSignal.timeout(100),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ index, vector, topK }),
    });
    const { hits } = (await (await ensureOk(response)).body.json()) as { hits: SearchHit[] };
    return hits;
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  const client = new VectorSearchClient(server.url);
  try {
    const vector = [0.12, 0.98, 0.33];
    // The hang ends when the server closes; the client's timeout has long given up by then.
    server.script('/search', [
      { hangMs: 10_000 },
      {
        body: {
          hits: [
            { id: 'sku-7', score: 0.97 },
            { id: 'sku-3', score: 0.91 },
          ],
        },
      },
    ]);
    print(`search [${vector.join(', ')}] in "products" (the server hangs on the first request)`);
    const hits = await client.search('products', vector, 2);
    print(
      `top hits: ${hits.map((hit) => `${hit.id} (${hit.score})`).join(', ')}, after ${server.requests('/search').length} requests`,
    );

    server.script('/search', [{ status: 503 }, { body: { hits: [] } }]);
    const before = server.requests('/search').length;
    print(`search [${vector.join(', ')}] in "archive" (the server answers 503)`);
    try {
      await client.search('archive', vector, 2);
      print('archive search (unexpected)');
    } catch (error) {
      const requests = server.requests('/search').length - before;
      print(
        `not retried, ${classifyError(error)} is not in retryCategories: ${String(error)}, after ${requests} request(s)`,
      );
    }
  } finally {
    await server.close();
  }
};
