// Telemetry without hooks: a subscriber to tenacious's diagnostics channels logs each retry,
// `tenacious/opentelemetry` turns the same channels into OpenTelemetry metrics (read here with the
// SDK's own reader), and `stats()` gives a method's counters, as a health endpoint would.
// Run it: npm run example -- telemetry
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { request } from 'undici';
import { Retry, stats, type RetryMessage, type SuccessMessage } from '../src';
import { instrumentTenacious } from '../src/opentelemetry';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

/** Collects when asked: what a Prometheus endpoint's reader does on each scrape. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = instrumentTenacious({ meterProvider });
  const logRetry = (message: unknown) => {
    const { className, method, attempt, category, delay } = message as RetryMessage;
    print(
      `retry: ${className}.${method} attempt ${attempt} failed (${category}), retry in ${delay} ms`,
    );
  };
  const logSuccess = (message: unknown) => {
    const { className, method, attempts } = message as SuccessMessage;
    print(`success: ${className}.${method} after ${attempts} attempts`);
  };
  subscribe('tenacious:retry', logRetry);
  subscribe('tenacious:success', logSuccess);
  try {
    class Prices {
      @Retry({ maxAttempts: 3, delays: [0] })
      async quote(sku: string): Promise<unknown> {
        const response = await ensureOk(await request(`${server.url}/prices/${sku}`));
        return response.body.json();
      }
    }
    server.script('/prices/A-1', [{ status: 503 }, { status: 502 }, { body: { cents: 1299 } }]);
    server.script('/prices/B-2', [{ body: { cents: 450 } }]);
    const prices = new Prices();
    await prices.quote('A-1');
    await prices.quote('B-2');

    const { calls, attempts, retries, recovered, giveUps } = stats(prices.quote);
    print(
      `stats(prices.quote): calls ${calls}, attempts ${attempts}, retries ${retries}, recovered ${recovered}, give-ups ${giveUps}`,
    );
    const { resourceMetrics } = await reader.collect();
    for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics)) {
      if (metric.descriptor.name !== 'tenacious.attempts') continue;
      for (const point of metric.dataPoints) {
        const outcome = String(point.attributes['tenacious.attempt.outcome']);
        print(`metric tenacious.attempts{outcome="${outcome}"} ${String(point.value)}`);
      }
    }
  } finally {
    unsubscribe('tenacious:retry', logRetry);
    unsubscribe('tenacious:success', logSuccess);
    instrumentation.dispose();
    await meterProvider.shutdown();
    await server.close();
  }
};
