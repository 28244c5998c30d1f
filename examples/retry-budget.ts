// A retry budget during a full outage: 200 calls, each allowed 3 attempts. Without a budget the
// dependency gets 3 requests per call; with a RetryBudget shared by the two classes that call it,
// retries stop once they exceed the budget's allowance and the outage costs far fewer requests.
// Run it: npm run example -- retry-budget
import { request } from 'undici';
import { HttpError, Retry, RetryBudget } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

const calls = 200;

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    server.script('/search', [{ status: 503 }]);
    const search = async () => {
      await ensureOk(await request(`${server.url}/search`));
    };

    // One budget for the two classes that call the same dependency: 20 retries per 10 s, plus a
    // tenth of the calls.
    const searchBudget = new RetryBudget({ ratio: 0.1, minPerSecond: 2, window: 10_000 });
    class ProductSearch {
      @Retry({ maxAttempts: 3, delays: [0], budget: searchBudget })
      async find(): Promise<void> {
        await search();
      }
    }
    class Suggestions {
      @Retry({ maxAttempts: 3, delays: [0], budget: searchBudget })
      async suggest(): Promise<void> {
        await search();
      }
    }
    class UnbudgetedSearch {
      @Retry({ maxAttempts: 3, delays: [0], budget: false })
      async find(): Promise<void> {
        await search();
      }
    }

    const run = async (label: string, call: (index: number) => Promise<void>) => {
      server.reset();
      server.script('/search', [{ status: 503 }]);
      for (let index = 0; index < calls; index++) {
        await call(index).catch((error: unknown) => {
          if (!(error instanceof HttpError)) throw error;
        });
      }
      const sent = server.requests('/search').length;
      print(`${label}: ${calls} calls sent ${sent} requests (${(sent / calls).toFixed(2)}x)`);
    };

    print('a full outage: every request answers 503');
    await run('without a budget', () => new UnbudgetedSearch().find());
    const products = new ProductSearch();
    const suggestions = new Suggestions();
    await run('with a shared budget', (index) =>
      index % 2 === 0 ? products.find() : suggestions.suggest(),
    );
  } finally {
    await server.close();
  }
};
