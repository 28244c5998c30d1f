import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { Hedge, currentAttempt, retryable } from '../../../src';
import { ensureOk } from '../../../src/undici';
import {
  startHttpServer,
  type RecordedRequest,
  type ScriptedHttpServer,
} from '../../../examples/servers/http-server';
import { eventually } from '../timeout/eventually';

// @Hedge against a real server with a slow tail: every 20th request (5%) takes 500 ms, the others
// 5 ms. The server decides by the request's number, so which requests are slow does not depend
// on timing: hedges arrive with numbers of their own, and are fast. Real time, kept as short as
// the numbers allow: 60 calls one after the other, unhedged (about 2 s) then hedged.

const calls = 60;
const slowEvery = 20;
const hedgeDelay = 20;

const slowTail = (request: RecordedRequest) =>
  request.sequence % slowEvery === 0
    ? { delayMs: 500, body: { hits: request.sequence } }
    : { delayMs: 5, body: { hits: request.sequence } };

let server: ScriptedHttpServer;

beforeEach(async () => {
  server = await startHttpServer();
  server.script('/search', [slowTail]);
  server.script('/warm-up', [{ body: 'ok' }]);
  await (await request(`${server.url}/warm-up`)).body.text();
});

afterEach(async () => {
  await server.close();
});

/** The nearest-rank percentile of `latencies`. */
function percentile(latencies: readonly number[], fraction: number): number {
  const sorted = [...latencies].sort((left, right) => left - right);
  return sorted[Math.ceil(fraction * sorted.length) - 1];
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

test('hedging cuts the p99 by 10x or more for at most 10% more requests; losers are aborted', async () => {
  const search = async (path: string): Promise<unknown> => {
    const signal = currentAttempt()?.signal;
    const response = await ensureOk(await request(`${server.url}${path}`, { signal }));
    return response.body.json();
  };
  const plain = retryable(() => search('/search'), { budget: false });
  const baseline: number[] = [];
  for (let call = 0; call < calls; call++) baseline.push(await timed(plain));
  const baselineP99 = percentile(baseline, 0.99);
  expect(baselineP99).toBeGreaterThanOrEqual(500);

  // A run of hedged calls on a path of its own. The p99 of 60 calls is their slowest, so one
  // pause of a loaded machine (another process's tests, a GC) decides it: up to three runs are
  // made, and the first that meets the goal is checked in full.
  const hedgedRun = async (path: string) => {
    server.script(path, [slowTail]);
    class SearchService {
      @Hedge({ delay: hedgeDelay })
      async search(): Promise<unknown> {
        return search(path);
      }
    }
    const service = new SearchService();
    const latencies: number[] = [];
    for (let call = 0; call < calls; call++) latencies.push(await timed(() => service.search()));
    return { path, p99: percentile(latencies, 0.99), p50: percentile(latencies, 0.5) };
  };
  // Warm-up: the first hedge in a process loads and compiles its code and opens a connection.
  server.script('/warm-up-hedge', [{ delayMs: 500, body: {} }, { body: {} }]);
  class WarmUp {
    @Hedge({ delay: hedgeDelay })
    async search(): Promise<unknown> {
      return search('/warm-up-hedge');
    }
  }
  await new WarmUp().search();
  let run = await hedgedRun('/hedged-1');
  for (let next = 2; next <= 3 && baselineP99 / run.p99 < 10; next++) {
    run = await hedgedRun(`/hedged-${next}`);
  }

  const requests = server.requests(run.path).length;
  const extra = requests - calls;
  if (process.env.TENACIOUS_HEDGE_REPORT !== undefined) {
    process.stdout.write(
      `hedge: p50 ${percentile(baseline, 0.5).toFixed(1)} -> ${run.p50.toFixed(1)} ms, ` +
        `p99 ${baselineP99.toFixed(1)} -> ${run.p99.toFixed(1)} ms, ${requests} requests for ${calls} calls (${run.path})\n`,
    );
  }
  expect(baselineP99 / run.p99).toBeGreaterThanOrEqual(10);
  expect(extra).toBeGreaterThanOrEqual(calls / slowEvery); // each slow request was hedged
  expect(extra).toBeLessThanOrEqual(calls * 0.1);

  // Every slow request lost to its hedge, and the server saw it aborted before it answered.
  const slow = server
    .requests(run.path)
    .filter((recorded) => recorded.sequence % slowEvery === 0)
    .map((recorded) => recorded.sequence);
  expect(slow).toHaveLength(calls / slowEvery);
  await eventually(() =>
    slow.every((sequence) =>
      server.abandoned(run.path).some((recorded) => recorded.sequence === sequence),
    ),
  );
  expect(server.abandoned(run.path).length).toBeLessThanOrEqual(extra);
});
