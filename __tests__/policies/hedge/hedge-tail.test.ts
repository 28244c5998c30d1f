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
// on timing: hedges arrive with numbers of their own, and are fast. 60 calls one after the other,
// unhedged then hedged.
//
// The milliseconds are jest's fake ones: the server's delays, the hedge's and the latencies all
// follow one fake clock, moved on 1 ms per real turn of the event loop (in which the requests'
// I/O happens). Nothing waits 500 ms for real, and a loaded machine's pauses, which stop the
// clock too, cannot decide a percentile.

const calls = 60;
const slowEvery = 20;
const hedgeDelay = 20;

const slowTail = (request: RecordedRequest) =>
  request.sequence % slowEvery === 0
    ? { delayMs: 500, body: { hits: request.sequence } }
    : { delayMs: 5, body: { hits: request.sequence } };

let server: ScriptedHttpServer;

beforeEach(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  server = await startHttpServer({ timers: 'global' });
  server.script('/search', [slowTail]);
  server.script('/warm-up', [{ body: 'ok' }]);
  await (await request(`${server.url}/warm-up`)).body.text();
});

afterEach(async () => {
  jest.useRealTimers();
  await server.close();
});

/** Runs `work` while the fake clock moves on 1 ms per turn of the event loop, until it settles. */
async function onFakeClock<T>(work: () => Promise<T>): Promise<T> {
  let settled = false;
  const result = work().finally(() => {
    settled = true;
  });
  result.catch(() => {}); // awaited below; not unhandled meanwhile
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    await jest.advanceTimersByTimeAsync(1);
  }
  return result;
}

/** The nearest-rank percentile of `latencies`. */
function percentile(latencies: readonly number[], fraction: number): number {
  const sorted = [...latencies].sort((left, right) => left - right);
  return sorted[Math.ceil(fraction * sorted.length) - 1];
}

/** The latency of `call` on the fake clock. */
async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await onFakeClock(call);
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

  // A run of hedged calls on a path of its own.
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
  await onFakeClock(() => new WarmUp().search());
  const run = await hedgedRun('/hedged');

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
