// DESIGN 1d: instrumentTenacious turns limiter rejections and hedges into metrics, each refusal
// counted once, whichever channels it is published on.
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  ConcurrencyLimit,
  ConcurrencyLimitError,
  ConcurrencyLimiter,
  Hedge,
  RateLimit,
  RateLimitExceededError,
} from '../../src';
import { instrumentTenacious } from '../../src/opentelemetry';

/** A reader that exports nothing: the test collects when it wants to. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let reader: CollectingReader;
let meterProvider: MeterProvider;

beforeEach(() => {
  reader = new CollectingReader();
  meterProvider = new MeterProvider({ readers: [reader] });
});

afterEach(async () => {
  await meterProvider.shutdown();
});

async function pointsOf(name: string): Promise<{ attributes: object; value: unknown }[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const metrics: MetricData[] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  const metric = metrics.find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => ({
    attributes: point.attributes,
    value: point.value,
  }));
}

describe('instrumentTenacious counts the rejections of the limiters', () => {
  it('a call the concurrency limit refuses, once', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    let finish: () => void = () => {};
    class Gateway {
      @ConcurrencyLimit(limiter)
      async send(): Promise<string> {
        await new Promise<void>((resolve) => (finish = resolve));
        return 'sent';
      }
    }
    const gateway = new Gateway();
    try {
      const running = gateway.send();
      await expect(gateway.send()).rejects.toThrow(ConcurrencyLimitError);
      finish();
      await expect(running).resolves.toBe('sent');
    } finally {
      instrumentation.dispose();
    }
    expect(await pointsOf('tenacious.rejections')).toEqual([
      {
        attributes: {
          'tenacious.class': 'Gateway',
          'tenacious.method': 'send',
          'tenacious.policy': 'concurrency-limit',
        },
        value: 1,
      },
    ]);
  });

  it('a call the rate limiter refuses, once', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    class Quota {
      @RateLimit({ limit: 1, interval: 60_000, maxWait: 0 })
      async spend(): Promise<string> {
        return 'spent';
      }
    }
    const quota = new Quota();
    try {
      await expect(quota.spend()).resolves.toBe('spent');
      await expect(quota.spend()).rejects.toThrow(RateLimitExceededError);
    } finally {
      instrumentation.dispose();
    }
    expect(await pointsOf('tenacious.rejections')).toEqual([
      {
        attributes: {
          'tenacious.class': 'Quota',
          'tenacious.method': 'spend',
          'tenacious.policy': 'rate-limiter',
        },
        value: 1,
      },
    ]);
  });

  it('and counts each hedged attempt started', async () => {
    const instrumentation = instrumentTenacious({ meterProvider });
    let calls = 0;
    class Mirror {
      @Hedge({ delay: 1, maxHedges: 1 })
      async read(): Promise<string> {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 30));
        return `copy ${calls}`;
      }
    }
    try {
      await expect(new Mirror().read()).resolves.toBe('copy 2');
    } finally {
      instrumentation.dispose();
    }
    expect(await pointsOf('tenacious.hedges')).toEqual([
      { attributes: { 'tenacious.class': 'Mirror', 'tenacious.method': 'read' }, value: 1 },
    ]);
  });
});
