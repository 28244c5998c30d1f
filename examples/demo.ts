// npm run demo — the tour. Starts a local HTTP server and a local Bedrock Runtime, runs decorated
// service classes (real undici, the real AWS SDK client) through outages, throttling, timeouts and
// non-retryable failures, a circuit breaker that opens and closes, a hedged request that overtakes
// a slow one, and a rate limiter pacing calls; prints a timeline of every attempt, a summary, and
// the metrics a subscriber to tenacious's diagnostics channels counted.
import './quiet-aws-sdk-notice';
import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request } from 'undici';
import {
  Breaker,
  CircuitBreaker,
  Hedge,
  RateLimit,
  RateLimiter,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  currentAttempt,
  stats,
  type HedgeMessage,
} from '../src';
import { ResilientBedrock } from '../src/bedrock';
import { ensureOk } from '../src/undici';
import { ChannelMetrics } from './demo/channel-metrics';
import { Timeline } from './demo/timeline';
import { sleep } from './example';
import { startBedrockServer, createLocalBedrockClient } from './servers/bedrock-server';
import { findClosedPort, startHttpServer } from './servers/http-server';
import { waitFor } from './servers/wait-for';

/** How long the demo waits: readable for a person, or fast for the test that runs it. */
export interface DemoPace {
  /** `initialDelay` of the demo's services, in ms. */
  readonly initialDelay: number;
  /** What the throttling server asks for in `Retry-After`, in seconds. */
  readonly retryAfterSeconds: number;
  /** The client-side timeout of a slow call, in ms. */
  readonly callTimeout: number;
  /** How long the demo's circuit stays open, in ms. */
  readonly breakDuration: number;
  /** How long a search runs before a hedged request starts, in ms. */
  readonly hedgeDelay: number;
  /** The rate limiter lets 2 calls through per this many ms. */
  readonly rateInterval: number;
}

export const readablePace: DemoPace = {
  initialDelay: 200,
  retryAfterSeconds: 1,
  callTimeout: 300,
  breakDuration: 1000,
  hedgeDelay: 200,
  rateInterval: 1000,
};

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

export async function runDemo(
  print: (line: string) => void,
  pace: DemoPace = readablePace,
): Promise<void> {
  const timeline = new Timeline(print);
  const http = await startHttpServer();
  const bedrockServer = await startBedrockServer();
  const bedrockClient = createLocalBedrockClient(bedrockServer);
  const closedPort = await findClosedPort();
  const metrics = new ChannelMetrics();
  try {
    const { Inventory, Orders, Pricing, Search, Quotes, Assistant, breaker, quoteLimiter } =
      defineServices(timeline, pace);
    const inventory = new Inventory(http.url);
    const orders = new Orders(http.url, `http://127.0.0.1:${closedPort}`);
    const pricing = new Pricing(http.url);
    const search = new Search(http.url);
    const quotes = new Quotes(http.url);
    const assistant = new Assistant(bedrockClient);
    // One request before the timeline, so that undici's first connection and the loading of its
    // code are not timed against the slow call's timeout.
    http.script('/warm-up', [{ body: 'ok' }]);
    const warmUp = await request(`${http.url}/warm-up`, { signal: new AbortController().signal });
    await warmUp.body.dump();
    http.reset();

    print(
      'tenacious demo: decorated services against a local HTTP server and a local Bedrock Runtime',
    );
    print(
      `  columns: time since start, method, attempt, category, what the retry loop did, detail`,
    );

    timeline.section('An outage that passes: 503, 503, then 200 (@Retry, full-jitter backoff)');
    http.script('/stock/A-1', [
      { status: 503 },
      { status: 503 },
      { body: { sku: 'A-1', units: 12 } },
    ]);
    await timeline.call(
      'Inventory.stock',
      () => inventory.stock('A-1'),
      (stock) => `${stock.units} units of ${stock.sku}`,
    );

    timeline.section(
      `Throttling with Retry-After: ${pace.retryAfterSeconds} s (@RetryOnRateLimit honours it)`,
    );
    http.script('/stock/B-2', [
      { status: 429, headers: { 'retry-after': String(pace.retryAfterSeconds) } },
      { body: { sku: 'B-2', units: 3 } },
    ]);
    await timeline.call(
      'Inventory.stock',
      () => inventory.stock('B-2'),
      (stock) => `${stock.units} units of ${stock.sku}`,
    );

    timeline.section(
      `A slow server: the first answer comes after the ${pace.callTimeout} ms timeout (TIMEOUT is retried)`,
    );
    http.script('/stock/C-3', [
      { delayMs: pace.callTimeout * 3, body: { sku: 'C-3', units: 0 } },
      { body: { sku: 'C-3', units: 7 } },
    ]);
    await timeline.call(
      'Inventory.stock',
      () => inventory.stock('C-3'),
      (stock) => `${stock.units} units of ${stock.sku}`,
    );

    timeline.section('Not retried: 404 is NON_RETRYABLE, thrown at once');
    http.script('/stock/Z-9', [{ status: 404, body: { message: 'no such sku' } }]);
    await timeline.call(
      'Inventory.stock',
      () => inventory.stock('Z-9'),
      (stock) => `${stock.units} units`,
    );

    timeline.section('A service that is down: connection refused (NETWORK), every attempt fails');
    await timeline.call(
      'Orders.history',
      () => orders.history(),
      (rows) => `${rows.length} rows`,
    );

    timeline.section(
      'idempotent: false: a POST whose connection is reset after the server read it is NOT retried',
    );
    http.script('/orders', [{ resetAfterBody: true }, { status: 201, body: { id: 'order-1' } }]);
    await timeline.call(
      'Orders.place',
      () => orders.place({ sku: 'A-1', units: 2 }),
      (order) => `created ${order.id}`,
    );
    print(
      `  the server saw ${http.requests('/orders').length} POST: a retry could have charged twice`,
    );

    timeline.section(
      `A circuit breaker: 2 failures in a row open it for ${pace.breakDuration} ms; callers fail fast, then a probe closes it (@CircuitBreaker)`,
    );
    http.script('/price/A-1', [{ status: 503 }]);
    const priceRequests = () => http.requests('/price/A-1').length;
    const describePrice = (price: Price) => `${price.cents} cents for ${price.sku}`;
    await timeline.call('Pricing.price', () => pricing.price('A-1'), describePrice);
    await timeline.call('Pricing.price', () => pricing.price('A-1'), describePrice);
    print(
      `  the pricing server saw ${priceRequests()} requests: the open circuit kept call 2 away`,
    );
    http.script('/price/A-1', [{ body: { sku: 'A-1', cents: 1299 } }]);
    await sleep(pace.breakDuration + 20);
    await timeline.call('Pricing.price', () => pricing.price('A-1'), describePrice);
    print(`  circuit ${breaker.state}; the pricing server saw ${priceRequests()} requests`);

    timeline.section(
      `A hedge: the first search is stuck, a second request starts after ${pace.hedgeDelay} ms and wins (@Hedge)`,
    );
    http.script('/search', [{ delayMs: 60_000, body: ['slow'] }, { body: ['A-1', 'B-2'] }]);
    const onHedge = (message: unknown): void => {
      const hedge = message as HedgeMessage;
      timeline.hedgeStarted(`${hedge.className}.${hedge.method}`, hedge.attempt, hedge.delay);
    };
    subscribe('tenacious:hedge', onHedge);
    try {
      await timeline.call(
        'Search.search',
        () => search.search('lamp'),
        (hits) => `${hits.length} hits: ${hits.join(', ')}`,
      );
    } finally {
      unsubscribe('tenacious:hedge', onHedge);
    }
    // The server sees the stuck request's connection close a moment after the hedge won.
    await waitFor(() => http.abandoned('/search').length > 0, 2_000);
    print(
      `  the search server saw ${http.requests('/search').length} requests; the slow one was aborted at the server: ${http.abandoned('/search').length === 1}`,
    );

    timeline.section(
      `A rate limiter: 2 calls per ${pace.rateInterval} ms, 5 calls in a row, from the 3rd on each waits its turn (@RateLimit)`,
    );
    http.script('/quote/ACME', [{ body: { cents: 4250 } }]);
    const pacingStartedAt = Date.now();
    for (let call = 1; call <= 5; call++) {
      const startedAt = Date.now();
      await timeline.call(
        'Quotes.quote',
        () => quotes.quote('ACME'),
        (quote) => `${quote.cents} cents, answered after ${Date.now() - startedAt} ms`,
      );
    }
    const paced = stats(quoteLimiter);
    print(
      `  the limiter let ${paced.granted - paced.waited} through at once and made ${paced.waited} wait (one every ${pace.rateInterval / 2} ms)`,
    );
    // It never lets a call go early: the 3 beyond the burst take at least 1.5 intervals.
    const pacingTook = Date.now() - pacingStartedAt;
    print(
      `  5 calls took ${pacingTook} ms; paced (not less than ${1.5 * pace.rateInterval} ms): ${pacingTook >= 1.5 * pace.rateInterval - 1}`,
    );

    timeline.section(
      'Bedrock: ThrottlingException twice, then a reply (rate-limit lane of a stacked @RetryOnRateLimit + @Retry)',
    );
    bedrockServer.enqueue(
      'Converse',
      { kind: 'error', exception: 'ThrottlingException' },
      { kind: 'error', exception: 'ThrottlingException' },
    );
    await timeline.call('Assistant.ask', () => assistant.ask('Name a prime number.'), replyText);

    timeline.section(
      'Bedrock: ServiceUnavailableException, then a reply (retry lane of the same method)',
    );
    bedrockServer.enqueue(
      'Converse',
      { kind: 'error', exception: 'ServiceUnavailableException' },
      { kind: 'converse', text: 'Seven.' },
    );
    await timeline.call('Assistant.ask', () => assistant.ask('Name another.'), replyText);

    timeline.section('Bedrock: ValidationException and AccessDeniedException are not retried');
    bedrockServer.enqueue('Converse', {
      kind: 'error',
      exception: 'ValidationException',
      message: 'messages: must not be empty',
    });
    await timeline.call('Assistant.ask', () => assistant.ask(''), replyText);
    bedrockServer.enqueue('Converse', {
      kind: 'error',
      exception: 'AccessDeniedException',
      message: 'not authorized',
    });
    await timeline.call('Assistant.ask', () => assistant.ask('Hello?'), replyText);

    timeline.section(
      'Bedrock stream (ResilientBedrock): throttled in the first frame, retried; the second stream completes',
    );
    const bedrock = new ResilientBedrock({
      client: bedrockClient,
      retry: {
        initialDelay: pace.initialDelay,
        ...timeline.hooks('ResilientBedrock.converseStream'),
      },
      rateLimit: {
        initialDelay: pace.initialDelay,
        ...timeline.hooks('ResilientBedrock.converseStream'),
      },
    });
    bedrockServer.enqueue(
      'ConverseStream',
      { kind: 'stream-exception', exception: 'ThrottlingException' },
      { kind: 'converse-stream', text: ['Two', ', three', ', five.'] },
    );
    await timeline.call(
      'ResilientBedrock.converseStream',
      () => streamText(bedrock.converseStream({ modelId, messages: userMessage('Count primes.') })),
      (text) => `streamed "${text}"`,
    );

    timeline.section(
      'Bedrock stream failing after data arrived: rethrown, never retried (no duplicate output)',
    );
    bedrockServer.enqueue('ConverseStream', {
      kind: 'converse-stream',
      text: ['Once', ' upon'],
      failWith: { exception: 'ModelStreamErrorException', afterEvents: 3 },
    });
    await timeline.call(
      'ResilientBedrock.converseStream',
      () => streamText(bedrock.converseStream({ modelId, messages: userMessage('Tell a story.') })),
      (text) => `streamed "${text}"`,
    );

    timeline.printSummary();
    print(
      `  the HTTP server saw ${http.requests().length} requests; the Bedrock server saw ${bedrockServer.requestCount()} requests`,
    );
    metrics.print(print);
  } finally {
    metrics.dispose();
    bedrockClient.destroy();
    await Promise.all([http.close(), bedrockServer.close()]);
  }
}

interface Stock {
  sku: string;
  units: number;
}

interface Price {
  sku: string;
  cents: number;
}

/** The demo's services. Defined here because their decorator options carry the timeline's hooks. */
function defineServices(timeline: Timeline, pace: DemoPace) {
  @RetryDefaults({
    initialDelay: pace.initialDelay,
    rateLimit: { initialDelay: pace.initialDelay },
  })
  class Inventory {
    constructor(private readonly baseUrl: string) {}

    @RetryOnRateLimit({ ...timeline.hooks('Inventory.stock') })
    @Retry({ maxAttempts: 3, ...timeline.hooks('Inventory.stock') })
    async stock(sku: string): Promise<Stock> {
      // A fresh timeout per attempt: the retry is a new request with a new budget.
      const response = await ensureOk(
        await request(`${this.baseUrl}/stock/${sku}`, {
          signal: timeoutSignal(pace.callTimeout),
        }),
      );
      return (await response.body.json()) as Stock;
    }
  }

  class Orders {
    constructor(
      private readonly baseUrl: string,
      private readonly historyUrl: string,
    ) {}

    @Retry({ maxAttempts: 3, initialDelay: pace.initialDelay, ...timeline.hooks('Orders.history') })
    async history(): Promise<unknown[]> {
      const response = await ensureOk(await request(`${this.historyUrl}/history`));
      return (await response.body.json()) as unknown[];
    }

    // Placing an order must not run twice: only failures that prove nothing was processed are retried.
    @Retry({
      idempotent: false,
      initialDelay: pace.initialDelay,
      ...timeline.hooks('Orders.place'),
    })
    async place(order: { sku: string; units: number }): Promise<{ id: string }> {
      const response = await ensureOk(
        await request(`${this.baseUrl}/orders`, {
          method: 'POST',
          body: JSON.stringify(order),
          headers: { 'content-type': 'application/json' },
        }),
      );
      return (await response.body.json()) as { id: string };
    }
  }

  // Opens after 2 failures in a row, stays open for breakDuration, then lets one probe through.
  const breaker = new Breaker({
    consecutiveFailures: 2,
    breakDuration: pace.breakDuration,
    onStateChange: ({ from, to }) => timeline.note(`circuit: ${from} -> ${to}`),
  });

  class Pricing {
    constructor(private readonly baseUrl: string) {}

    @Retry({ maxAttempts: 3, initialDelay: pace.initialDelay, ...timeline.hooks('Pricing.price') })
    @CircuitBreaker(breaker)
    async price(sku: string): Promise<Price> {
      const response = await ensureOk(await request(`${this.baseUrl}/price/${sku}`));
      return (await response.body.json()) as Price;
    }
  }

  class Search {
    constructor(private readonly baseUrl: string) {}

    // The attempt's signal aborts the losing request: undici closes its connection.
    @Hedge({ delay: pace.hedgeDelay })
    async search(query: string): Promise<string[]> {
      const { signal } = currentAttempt()!;
      const response = await ensureOk(
        await request(`${this.baseUrl}/search?q=${encodeURIComponent(query)}`, { signal }),
      );
      return (await response.body.json()) as string[];
    }
  }

  // 2 calls per rateInterval, in bursts of up to 2; a call waits up to rateInterval for its turn.
  const quoteLimiter = new RateLimiter({ limit: 2, interval: pace.rateInterval });

  class Quotes {
    constructor(private readonly baseUrl: string) {}

    @RateLimit(quoteLimiter)
    async quote(symbol: string): Promise<{ cents: number }> {
      const response = await ensureOk(await request(`${this.baseUrl}/quote/${symbol}`));
      return (await response.body.json()) as { cents: number };
    }
  }

  class Assistant {
    constructor(private readonly client: BedrockRuntimeClient) {}

    @RetryOnRateLimit({ initialDelay: pace.initialDelay, ...timeline.hooks('Assistant.ask') })
    @Retry({ initialDelay: pace.initialDelay, ...timeline.hooks('Assistant.ask') })
    async ask(question: string): Promise<ConverseCommandOutput> {
      return this.client.send(new ConverseCommand({ modelId, messages: userMessage(question) }));
    }
  }

  return { Inventory, Orders, Pricing, Search, Quotes, Assistant, breaker, quoteLimiter };
}

/**
 * `AbortSignal.timeout(ms)`, on the global `setTimeout`: a test that runs the demo on jest's fake
 * clock makes it time out in virtual time.
 */
function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  setTimeout(() => controller.abort(reason), ms).unref();
  return controller.signal;
}

function userMessage(text: string) {
  return [{ role: 'user' as const, content: [{ text }] }];
}

function replyText(output: ConverseCommandOutput): string {
  return `reply "${output.output?.message?.content?.[0]?.text ?? ''}"`;
}

async function streamText(
  events: AsyncIterable<{ contentBlockDelta?: { delta?: { text?: string } } }>,
): Promise<string> {
  let text = '';
  for await (const event of events) text += event.contentBlockDelta?.delta?.text ?? '';
  return text;
}

if (require.main === module) {
  runDemo((line) => console.log(line)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
