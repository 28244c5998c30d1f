import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';
import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  HttpError,
  Retry,
  RetryBudget,
  retryable,
} from '../../src';
import { instrumentTenacious, undiciStartSpanHook } from '../../src/opentelemetry';
import { ensureOk } from '../../src/undici';

/** A reader that exports nothing: the test collects when it wants to. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const immediate = { jitter: 'none', initialDelay: 0 } as const;

let reader: CollectingReader;
let meterProvider: MeterProvider;
const spanExporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spanExporter)],
});
const tracer = tracerProvider.getTracer('test');
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});

afterAll(() => {
  contextManager.disable();
  context.disable();
});

beforeEach(() => {
  reader = new CollectingReader();
  meterProvider = new MeterProvider({ readers: [reader] });
  spanExporter.reset();
});

afterEach(async () => {
  await meterProvider.shutdown();
});

async function metricsByName(): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const found = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) found.set(metric.descriptor.name, metric);
  }
  return found;
}

function points(metric: MetricData | undefined): { attributes: object; value: unknown }[] {
  return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => ({
    attributes: point.attributes,
    value: point.value,
  }));
}

class Catalog {
  failuresLeft = 0;

  @Retry({ ...immediate, maxAttempts: 3, budget: false })
  async lookup(): Promise<string> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new HttpError(503);
    }
    return 'found';
  }
}

describe('instrumentTenacious with the OpenTelemetry SDK', () => {
  it('counts attempts by outcome and category, and records retry delays in seconds', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    try {
      const catalog = new Catalog();
      catalog.failuresLeft = 1;
      await catalog.lookup();
      catalog.failuresLeft = 5;
      await expect(catalog.lookup()).rejects.toThrow(HttpError);
    } finally {
      instrumentation.dispose();
    }
    const found = await metricsByName();
    const call = { 'tenacious.class': 'Catalog', 'tenacious.method': 'lookup' };
    const failure = { ...call, 'tenacious.error.category': 'retryable', 'error.type': 'HttpError' };
    expect(points(found.get('tenacious.attempts'))).toEqual(
      expect.arrayContaining([
        { attributes: { ...failure, 'tenacious.attempt.outcome': 'retried' }, value: 3 },
        { attributes: { ...failure, 'tenacious.attempt.outcome': 'gave_up' }, value: 1 },
        { attributes: { ...call, 'tenacious.attempt.outcome': 'recovered' }, value: 1 },
      ]),
    );
    expect(found.get('tenacious.attempts')?.dataPoints).toHaveLength(3);
    const delay = found.get('tenacious.retry.delay');
    expect(delay?.descriptor.unit).toBe('s');
    const [histogram] = points(delay);
    expect(histogram.attributes).toEqual({ ...failure, 'tenacious.lane': 'retry' });
    expect((histogram.value as Histogram).count).toBe(3);
    expect((histogram.value as Histogram).sum).toBe(0);
  });

  it("names its meter's scope tenacious, at the version in package.json", async () => {
    const { version } = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const instrumentation = instrumentTenacious({ meterProvider });
    try {
      const catalog = new Catalog();
      catalog.failuresLeft = 1;
      await catalog.lookup();
    } finally {
      instrumentation.dispose();
    }
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.scopeMetrics.map(({ scope }) => [scope.name, scope.version])).toEqual([
      ['tenacious', version],
    ]);
  });

  it('counts breaker state changes and budget refusals', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 60_000 });
    class Ledger {
      @CircuitBreaker(breaker)
      post(): never {
        throw new HttpError(503);
      }
    }
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0 });
    const settle = retryable(
      async function settle(): Promise<never> {
        throw new HttpError(503);
      },
      { ...immediate, budget },
    );
    try {
      expect(() => new Ledger().post()).toThrow(HttpError);
      expect(() => new Ledger().post()).toThrow(BrokenCircuitError);
      await expect(settle()).rejects.toThrow(HttpError);
    } finally {
      instrumentation.dispose();
    }
    const found = await metricsByName();
    expect(points(found.get('tenacious.circuit.state_changes'))).toEqual([
      {
        attributes: {
          'tenacious.circuit.state.from': 'closed',
          'tenacious.circuit.state.to': 'open',
        },
        value: 1,
      },
    ]);
    expect(points(found.get('tenacious.budget.exhausted'))).toEqual([
      { attributes: { 'tenacious.method': 'settle' }, value: 1 },
    ]);
    expect(points(found.get('tenacious.rejections'))).toEqual([
      {
        attributes: {
          'tenacious.class': 'Ledger',
          'tenacious.method': 'post',
          'tenacious.policy': 'circuit-breaker',
        },
        value: 1,
      },
      { attributes: { 'tenacious.method': 'settle', 'tenacious.policy': 'budget' }, value: 1 },
    ]);
  });

  it('adds retry, give-up and success events to the active span', async () => {
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      await tracer.startActiveSpan('checkout', async (span) => {
        const catalog = new Catalog();
        catalog.failuresLeft = 1;
        await catalog.lookup();
        span.end();
      });
    } finally {
      instrumentation.dispose();
    }
    const [span] = spanExporter.getFinishedSpans();
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'tenacious.retry',
        {
          'tenacious.class': 'Catalog',
          'tenacious.method': 'lookup',
          'tenacious.error.category': 'retryable',
          'error.type': 'HttpError',
          'tenacious.attempt': 1,
          'tenacious.retry.delay_ms': 0,
        },
      ],
      [
        'tenacious.success',
        { 'tenacious.class': 'Catalog', 'tenacious.method': 'lookup', 'tenacious.attempts': 2 },
      ],
    ]);
  });

  it("names a refused call's refusal, not a retried result, in its give-up event", async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, breakDuration: 60_000 });
    class Ledger {
      @CircuitBreaker(breaker)
      post(): never {
        throw new HttpError(503);
      }
    }
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      tracer.startActiveSpan('posting', (span) => {
        expect(() => new Ledger().post()).toThrow(HttpError);
        expect(() => new Ledger().post()).toThrow(BrokenCircuitError);
        span.end();
      });
    } finally {
      instrumentation.dispose();
    }
    const [span] = spanExporter.getFinishedSpans();
    const refusals = span.events.filter((event) => event.attributes?.['tenacious.attempts'] === 0);
    expect(refusals.map((event) => [event.name, event.attributes])).toEqual([
      [
        'tenacious.give_up',
        {
          'tenacious.class': 'Ledger',
          'tenacious.method': 'post',
          'error.type': 'TENACIOUS_CIRCUIT_OPEN',
          'tenacious.attempts': 0,
          'tenacious.give_up.reason': 'refused',
        },
      ],
    ]);
  });

  it('records an error whose getters throw, or a hostile Proxy, with an error.type', async () => {
    class HostileCodeError extends Error {
      override name = 'HostileCodeError';
      get code(): string {
        throw new Error('code getter');
      }
    }
    const hostileProxy = new Proxy(new Error('proxy'), {
      get() {
        throw new Error('get trap');
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf trap');
      },
    });
    const thrown: unknown[] = [new HostileCodeError('code'), hostileProxy];
    class Gateway {
      @Retry({ ...immediate, maxAttempts: 3, budget: false, retryOn: () => true })
      async send(): Promise<string> {
        const next = thrown.shift();
        if (next !== undefined) throw next;
        return 'sent';
      }
    }
    const warnings: unknown[] = [];
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation((warning) => {
      warnings.push(warning);
    });
    const instrumentation = instrumentTenacious({ meterProvider });
    try {
      await expect(new Gateway().send()).resolves.toBe('sent');
    } finally {
      instrumentation.dispose();
      emitWarning.mockRestore();
    }
    expect(warnings).toEqual([]);
    const found = await metricsByName();
    const retried = points(found.get('tenacious.attempts'))
      .filter(({ attributes }) => 'error.type' in attributes)
      .map(({ attributes }) => (attributes as Record<string, unknown>)['error.type']);
    expect(retried.sort()).toEqual(['HostileCodeError', '_OTHER']);
  });

  it('records nothing once disposed', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    instrumentation[Symbol.dispose]();
    instrumentation.dispose(); // a second time does nothing
    const catalog = new Catalog();
    catalog.failuresLeft = 1;
    await catalog.lookup();
    const found = await metricsByName();
    expect(points(found.get('tenacious.attempts'))).toEqual([]);
  });
});

describe('undici requests traced by @opentelemetry/instrumentation-undici', () => {
  let server: ScriptedHttpServer;
  let undiciInstrumentation: UndiciInstrumentation;

  beforeAll(async () => {
    server = await startHttpServer();
    undiciInstrumentation = new UndiciInstrumentation({ startSpanHook: undiciStartSpanHook });
    undiciInstrumentation.setTracerProvider(tracerProvider);
    undiciInstrumentation.enable();
  });

  afterAll(async () => {
    undiciInstrumentation.disable();
    await server.close();
  });

  it('gives each retried request span its http.request.resend_count', async () => {
    server.script('/prices', [{ status: 503 }, { status: 503 }, { body: { price: 42 } }]);
    const fetchPrice = retryable(
      async function fetchPrice(): Promise<unknown> {
        const response = await ensureOk(await request(`${server.url}/prices`));
        return response.body.json();
      },
      { ...immediate, maxAttempts: 3 },
    );
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      const price = await tracer.startActiveSpan('quote', async (span) => {
        try {
          return await fetchPrice();
        } finally {
          span.end();
        }
      });
      expect(price).toEqual({ price: 42 });
    } finally {
      instrumentation.dispose();
    }
    expect(server.requests('/prices')).toHaveLength(3);
    const spans = spanExporter.getFinishedSpans();
    const requests = spans.filter((span) => span.name !== 'quote');
    expect(requests.map((span) => span.attributes['http.response.status_code'])).toEqual([
      503, 503, 200,
    ]);
    expect(requests.map((span) => span.attributes['http.request.resend_count'])).toEqual([
      undefined,
      1,
      2,
    ]);
    const quote = spans.find((span) => span.name === 'quote');
    expect(
      requests.every((span) => span.parentSpanContext?.spanId === quote?.spanContext().spanId),
    ).toBe(true);
  });

  it('counts resends per call: concurrent retried calls under one span each get their own', async () => {
    server.script('/rates', [{ status: 503 }, { status: 503 }, { status: 503 }, { body: {} }]);
    server.script('/fees', [{ status: 503 }, { body: {} }]);
    const fetchFrom = (path: string, initialDelay: number) =>
      retryable(
        async function fetchFrom(): Promise<unknown> {
          const response = await ensureOk(await request(`${server.url}${path}`));
          return response.body.json();
        },
        { jitter: 'none', initialDelay, maxDelay: initialDelay, maxAttempts: 4 },
      );
    const fetchRates = fetchFrom('/rates', 0);
    // Its retry comes after every retry of /rates: a count shared by the span would be theirs.
    const fetchFees = fetchFrom('/fees', 50);
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      await tracer.startActiveSpan('invoice', async (span) => {
        try {
          await Promise.all([fetchRates(), fetchFees()]);
        } finally {
          span.end();
        }
      });
    } finally {
      instrumentation.dispose();
    }
    const requests = spanExporter.getFinishedSpans().filter((span) => span.name !== 'invoice');
    const countsOf = (path: string) =>
      requests
        .filter((span) => span.attributes['url.path'] === path)
        .map((span) => span.attributes['http.request.resend_count']);
    expect(countsOf('/rates')).toEqual([undefined, 1, 2, 3]);
    expect(countsOf('/fees')).toEqual([undefined, 1]);
  });

  it('counts the resends of a call with no span around it too', async () => {
    server.script('/ping', [{ status: 503 }, { body: {} }]);
    const ping = retryable(
      async function ping(): Promise<unknown> {
        const response = await ensureOk(await request(`${server.url}/ping`));
        return response.body.json();
      },
      { ...immediate, maxAttempts: 2 },
    );
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      await ping();
    } finally {
      instrumentation.dispose();
    }
    const requests = spanExporter.getFinishedSpans();
    expect(requests.map((span) => span.attributes['http.request.resend_count'])).toEqual([
      undefined,
      1,
    ]);
  });

  it('gives no count to a later request of a caller whose call failed synchronously at first', async () => {
    server.script('/quota', [{ body: {} }]);
    server.script('/after', [{ body: {} }]);
    let calls = 0;
    const fetchQuota = retryable(
      function fetchQuota(): Promise<unknown> {
        calls += 1;
        if (calls === 1) throw new HttpError(503); // before any request: the retry is announced
        return request(`${server.url}/quota`).then((response) => response.body.json());
      },
      { ...immediate, maxAttempts: 2 },
    );
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      await fetchQuota();
      await (await request(`${server.url}/after`)).body.json();
    } finally {
      instrumentation.dispose();
    }
    const requests = spanExporter.getFinishedSpans();
    expect(
      requests.map((span) => [
        span.attributes['url.path'],
        span.attributes['http.request.resend_count'],
      ]),
    ).toEqual([
      ['/quota', 1],
      ['/after', undefined],
    ]);
  });

  it('gives no resend count to requests made under the same span once the retried call ended', async () => {
    server.script('/stock', [{ status: 503 }, { body: { stock: 1 } }]);
    server.script('/tax', [{ body: { tax: 2 } }]);
    const fetchStock = retryable(
      async function fetchStock(): Promise<unknown> {
        const response = await ensureOk(await request(`${server.url}/stock`));
        return response.body.json();
      },
      { ...immediate, maxAttempts: 3 },
    );
    const fetchTax = retryable(
      async function fetchTax(): Promise<unknown> {
        const response = await ensureOk(await request(`${server.url}/tax`));
        return response.body.json();
      },
      { ...immediate, maxAttempts: 3 },
    );
    const instrumentation = instrumentTenacious({ meterProvider, tracerProvider });
    try {
      await tracer.startActiveSpan('checkout', async (span) => {
        try {
          await fetchStock();
          await fetchTax(); // its first attempt, under the same span: not a resend
        } finally {
          span.end();
        }
      });
    } finally {
      instrumentation.dispose();
    }
    const requests = spanExporter.getFinishedSpans().filter((span) => span.name !== 'checkout');
    expect(
      requests.map((span) => [
        span.attributes['url.path'],
        span.attributes['http.request.resend_count'],
      ]),
    ).toEqual([
      ['/stock', undefined],
      ['/stock', 1],
      ['/tax', undefined],
    ]);
  });
});
