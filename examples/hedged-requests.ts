// Hedged requests against a dependency with a slow tail: every 10th request takes 400 ms, the
// others 5 ms. @Hedge starts a second request when the first has not answered within 100 ms; the
// first answer wins and the slow request is aborted through its signal (the server sees it go).
// A `tenacious:hedge` subscriber shows each hedge.
// Run it: npm run example -- hedged-requests
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request } from 'undici';
import { Hedge, currentAttempt, stats, type HedgeMessage } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';
import { waitFor } from './servers/wait-for';

class SearchService {
  constructor(private readonly baseUrl: string) {}

  @Hedge({ delay: 100 })
  async search(query: string): Promise<string[]> {
    const { signal } = currentAttempt()!;
    const response = await ensureOk(
      await request(`${this.baseUrl}/search?q=${encodeURIComponent(query)}`, { signal }),
    );
    return (await response.body.json()) as string[];
  }
}

export const main: ExampleMain = async (print) => {
  // The server's delays on the global timers, as the hedge's are: a test's fake clock drives both.
  const server = await startHttpServer({ timers: 'global' });
  const onHedge = (message: unknown): void => {
    const hedge = message as HedgeMessage;
    print(`  hedge: attempt ${hedge.attempt} of ${hedge.method} started after ${hedge.delay} ms`);
  };
  subscribe('tenacious:hedge', onHedge);
  try {
    server.script('/search', [
      (received) =>
        received.sequence % 10 === 0
          ? { delayMs: 400, body: ['slow'] }
          : { delayMs: 5, body: ['fast'] },
    ]);
    // One request first, so that loading undici is not taken for a slow answer.
    server.script('/warm-up', [{ body: 'ok' }]);
    await (await request(`${server.url}/warm-up`)).body.text();
    const service = new SearchService(server.url);
    let slowest = 0;
    for (let call = 1; call <= 20; call++) {
      const started = performance.now();
      await service.search(`query ${call}`);
      slowest = Math.max(slowest, performance.now() - started);
    }
    const requests = server.requests('/search').length;
    const hedges = stats(service.search).attempts - 20;
    print(`20 calls, ${requests} requests, ${hedges} hedges`);
    print(`the slowest call took ${Math.round(slowest)} ms; a slow request alone takes 400 ms`);
    const slow = server.requests('/search').filter((received) => received.sequence % 10 === 0);
    const allAborted = () => slow.every((one) => server.abandoned('/search').includes(one));
    // The server hears that a client closed its connection a moment after the client did.
    await waitFor(allAborted, 1_000);
    print(`every slow request was aborted at the server: ${allAborted()}`);
  } finally {
    unsubscribe('tenacious:hedge', onHedge);
    await server.close();
  }
};
