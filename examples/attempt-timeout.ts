// A time limit per attempt: @Timeout with @Retry, and currentAttempt() handing the attempt's
// AbortSignal to undici. The first request stalls; when its 250 ms are up the signal aborts, undici
// closes the connection (the server sees it go), and the retry gets the answer. A method that
// does not pass the signal on is still given up on in time, but its request runs on.
// Run it: npm run example -- attempt-timeout
import { request } from 'undici';
import { AttemptTimeoutError, Retry, Timeout, currentAttempt } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';
import { waitFor } from './servers/wait-for';

class QuoteService {
  constructor(private readonly baseUrl: string) {}

  @Retry({
    maxAttempts: 3,
    delays: [10],
    onRetry: (error, attempt) =>
      log(
        `  attempt ${attempt} failed: ${error instanceof AttemptTimeoutError ? `${error.code} (${error.message})` : String(error)}`,
      ),
  })
  // Far longer than a local request takes, even on a busy machine: only the stalled one times out.
  @Timeout(250)
  async quote(symbol: string): Promise<number> {
    const { attempt, signal } = currentAttempt()!;
    log(`  attempt ${attempt} sends its request`);
    const response = await ensureOk(await request(`${this.baseUrl}/quote/${symbol}`, { signal }));
    return ((await response.body.json()) as { price: number }).price;
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    // The first request gets no answer at all; the second is answered at once.
    server.script('/quote/ACME', [{ hangMs: 60_000 }, { body: { price: 42.5 } }]);
    const price = await new QuoteService(server.url).quote('ACME');
    print(`ACME: ${price}, after ${server.requests('/quote/ACME').length} requests`);
    // The stalled request's connection was closed by the client, not by the server.
    await waitFor(() => server.abandoned('/quote/ACME').length > 0, 1_000);
    print(`requests the client abandoned: ${server.abandoned('/quote/ACME').length}`);
  } finally {
    await server.close();
  }
};
