// A client-side rate limit in front of an HTTP API that allows 5 requests a second, in bursts of 5:
// @RateLimit lets a burst of 5 through, makes the next calls wait for their turns, and fails a call
// whose turn is further away than maxWait fast with RateLimitExceededError, without reaching the
// server.
// Run it: npm run example -- rate-limit
import { request } from 'undici';
import { HttpError, RateLimit, RateLimitExceededError, Retry, stats } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

class QuoteClient {
  constructor(private readonly baseUrl: string) {}

  // Every attempt, retries included, takes a turn (one every 200 ms); a call waits at most 500 ms
  // for its turn. The 8th call's turn is 600 ms away: 100 ms beyond maxWait, so that the time the
  // first calls take to send their requests cannot bring it within reach on a loaded machine.
  @Retry({ maxAttempts: 3, delays: [10] })
  @RateLimit({ limit: 5, interval: 1000, maxWait: 500 })
  async quote(symbol: string): Promise<{ cents: number }> {
    const response = await ensureOk(await request(`${this.baseUrl}/quote/${symbol}`));
    return (await response.body.json()) as { cents: number };
  }
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    // One request outside the limit first, so that undici's first-call setup does not delay the
    // calls below between their turns.
    await (await request(`${server.url}/warm-up`)).body.dump();
    const client = new QuoteClient(server.url);
    server.script('/quote/ACME', [{ body: { cents: 1299 } }]);

    print('8 calls at once against 5 per 1000 ms, each waiting at most 500 ms for its turn:');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.quote('ACME').then(
          (quote) => `${quote.cents} cents`,
          (error: unknown) =>
            error instanceof RateLimitExceededError
              ? `${error.code} (turn in ${Math.ceil(error.retryAfter)} ms)`
              : error instanceof HttpError
                ? `HttpError ${error.status}`
                : String(error),
        ),
      ),
    );
    const answered = results.filter((result) => result.endsWith('cents')).length;
    const refused = results.filter((result) => result.startsWith('TENACIOUS_RATE_LIMITED'));
    print(`answered: ${answered}, refused by the limiter: ${refused.length}`);
    print(`a refusal: ${refused[0]}`);
    print(`server requests: ${server.requests('/quote/ACME').length}`);
    print(`stats: ${JSON.stringify(stats(client.quote))}`);
  } finally {
    await server.close();
  }
};
