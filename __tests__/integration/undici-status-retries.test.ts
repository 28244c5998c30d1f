import { setTimeout as realTimeout, clearTimeout as clearRealTimeout } from 'node:timers';
import { Agent, Pool, fetch as undiciFetch, request, type Dispatcher } from 'undici';
import {
  HttpError,
  isRateLimitError,
  Retry,
  RetryOnRateLimit,
  retryable,
  withRetry,
} from '../../src';
import { ensureOk } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';
import { ErrorCategory, RetryRecorder, rejectionOf } from './retry-recorder';

const { RETRYABLE, NON_RETRYABLE, AUTH_FAILURE } = ErrorCategory;

// random 0 makes every full-jitter delay 0: the retries run at once, on real timers, in no time.
const immediate = { maxAttempts: 3, initialDelay: 1, random: () => 0 } as const;
// Larger than the 64 KiB undici reads ahead on its own: left unread, such a body holds the socket.
const largeBody = 'x'.repeat(100 * 1024);

let server: ScriptedHttpServer;
let agent: Agent;
let pool: Pool;
const recorder = new RetryRecorder();
const rateLimitRecorder = new RetryRecorder();
const retryCallbacks = { onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp };
const rateLimitCallbacks = {
  onRetry: rateLimitRecorder.onRetry,
  onGiveUp: rateLimitRecorder.onGiveUp,
};

beforeAll(async () => {
  server = await startHttpServer();
  agent = new Agent();
  pool = new Pool(server.url, { connections: 1 });
});

afterAll(async () => {
  await pool.close();
  await agent.close();
  await server.close();
});

beforeEach(() => {
  server.reset();
  recorder.clear();
  rateLimitRecorder.clear();
});

async function getJson(path: string): Promise<unknown> {
  return (await ensureOk(await request(`${server.url}${path}`, { dispatcher: agent }))).body.json();
}

class CatalogClient {
  @Retry({ ...immediate, ...retryCallbacks })
  async product(path: string): Promise<unknown> {
    return getJson(path);
  }
}

class ModelGateway {
  @RetryOnRateLimit({ ...immediate, ...rateLimitCallbacks })
  async complete(path: string): Promise<unknown> {
    return getJson(path);
  }

  // Stacked: one loop, two lanes, each with its own cap and callbacks.
  @RetryOnRateLimit({ ...immediate, ...rateLimitCallbacks })
  @Retry({ ...immediate, ...retryCallbacks })
  async embed(path: string): Promise<unknown> {
    return getJson(path);
  }
}

describe('503, 503, then 200: RETRYABLE, retried, success after 3 requests', () => {
  const catalog = new CatalogClient();
  const fetchProduct = retryable(
    async (path: string) =>
      (await ensureOk(await undiciFetch(`${server.url}${path}`, { dispatcher: agent }))).json(),
    { ...immediate, ...retryCallbacks },
  );
  const productFromPool = (path: string): Promise<unknown> =>
    withRetry(
      async () => (await ensureOk(await pool.request({ path, method: 'GET' }))).body.json(),
      { ...immediate, ...retryCallbacks },
    );

  it.each<[string, (path: string) => Promise<unknown>]>([
    ['@Retry method, undici request()', (path) => catalog.product(path)],
    ['retryable(), undici fetch()', fetchProduct],
    ['withRetry(), a Pool with connections: 1', productFromPool],
  ])('%s', async (_label, getProduct) => {
    server.script('/products/A-1', [{ status: 503 }, { status: 503 }, { body: { sku: 'A-1' } }]);

    await expect(getProduct('/products/A-1')).resolves.toEqual({ sku: 'A-1' });

    expect(server.requests('/products/A-1')).toHaveLength(3);
    expect(recorder.retries.map(({ category, attempt }) => [category, attempt])).toEqual([
      [RETRYABLE, 1],
      [RETRYABLE, 2],
    ]);
    expect(recorder.retries[0].error).toBeInstanceOf(HttpError);
    expect(recorder.giveUps).toEqual([]);
  });

  it('503 every time: the last HttpError itself is thrown after maxAttempts requests', async () => {
    server.script('/products/A-2', [{ status: 503 }]);

    const error = await rejectionOf(catalog.product('/products/A-2'));

    expect(error).toBeInstanceOf(HttpError);
    expect(server.requests('/products/A-2')).toHaveLength(3);
    expect(recorder.giveUps).toEqual([{ error, category: RETRYABLE, attempts: 3 }]);
  });
});

describe('rate limits', () => {
  const gateway = new ModelGateway();

  it('@RetryOnRateLimit: 429 then 200, retried in the rate-limit lane', async () => {
    server.script('/complete', [{ status: 429 }, { body: { text: 'hello' } }]);

    await expect(gateway.complete('/complete')).resolves.toEqual({ text: 'hello' });

    expect(server.requests('/complete')).toHaveLength(2);
    expect(rateLimitRecorder.categories).toEqual([RETRYABLE]);
    expect(isRateLimitError(rateLimitRecorder.retries[0].error)).toBe(true);
  });

  it('@RetryOnRateLimit alone: a 503 is not a rate limit, thrown at once', async () => {
    server.script('/complete', [{ status: 503 }, { body: { text: 'hello' } }]);

    const error = await rejectionOf(gateway.complete('/complete'));

    expect((error as HttpError).status).toBe(503);
    expect(server.requests('/complete')).toHaveLength(1);
    expect(rateLimitRecorder.retries).toEqual([]);
    expect(rateLimitRecorder.giveUps).toEqual([{ error, category: RETRYABLE, attempts: 1 }]);
  });

  it('stacked: each failure goes to its own lane; 2 retries in each, 5 requests in all', async () => {
    server.script('/embed', [
      { status: 503 },
      { status: 429 },
      { status: 502 },
      { status: 429 },
      { body: [[0.1, 0.2]] },
    ]);

    await expect(gateway.embed('/embed')).resolves.toEqual([[0.1, 0.2]]);

    expect(server.requests('/embed')).toHaveLength(5);
    expect(recorder.retries.map(({ attempt }) => attempt)).toEqual([1, 3]);
    expect(rateLimitRecorder.retries.map(({ attempt }) => attempt)).toEqual([2, 4]);
  });
});

describe('client errors are thrown at once: the HttpError itself, one request', () => {
  const gateway = new ModelGateway();
  const catalog = new CatalogClient();

  it.each<[number, ErrorCategory]>([
    [400, NON_RETRYABLE],
    [401, AUTH_FAILURE],
    [403, AUTH_FAILURE],
    [404, NON_RETRYABLE],
  ])('%d: %s', async (status, category) => {
    server.script('/embed', [{ status, body: { message: 'no' } }, { body: [[0.1]] }]);
    server.script('/products/B-1', [{ status, body: { message: 'no' } }, { body: { sku: 'B-1' } }]);

    const stackedError = await rejectionOf(gateway.embed('/embed'));
    const retryError = await rejectionOf(catalog.product('/products/B-1'));

    for (const error of [stackedError, retryError]) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(status);
    }
    expect(server.requests('/embed')).toHaveLength(1);
    expect(server.requests('/products/B-1')).toHaveLength(1);
    expect(recorder.retries).toEqual([]);
    expect(rateLimitRecorder.retries).toEqual([]);
    expect(recorder.giveUps).toEqual([
      { error: stackedError, category, attempts: 1 },
      { error: retryError, category, attempts: 1 },
    ]);
  });
});

describe('a Pool with connections: 1 stays usable after retried error responses', () => {
  /** Rejects if `promise` has not settled within `ms` of real time: a pool whose only socket is held never answers. */
  async function within<Value>(ms: number, promise: Promise<Value>): Promise<Value> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = realTimeout(
        () => reject(new Error(`not settled within ${ms} ms: the pool's connection is still held`)),
        ms,
      );
    });
    try {
      return await Promise.race([promise, expired]);
    } finally {
      clearRealTimeout(timer);
    }
  }

  it.each<[string, number, boolean]>([
    // Below undici's dump() limit (128 KiB) the body is drained and the connection reused.
    ['100 KiB error bodies: drained, one connection reused', 100 * 1024, true],
    // Above it, dump() destroys the socket rather than read it all, and the pool opens a new one.
    ['300 KiB error bodies: the socket is closed, the pool reconnects', 300 * 1024, false],
  ])('%s', async (_label, bodySize, reused) => {
    const errorBody = 'x'.repeat(bodySize);
    server.script('/reports/daily', [
      { status: 503, body: errorBody },
      { status: 500, headers: { 'content-type': 'application/json' }, body: errorBody },
      { body: { rows: 3 } },
    ]);
    server.script('/health', [{ body: 'ok' }]);

    const report = await within(
      2_000,
      withRetry(
        async () =>
          (
            await ensureOk(await pool.request({ path: '/reports/daily', method: 'GET' }))
          ).body.json(),
        {
          ...immediate,
          ...retryCallbacks,
        },
      ),
    );
    const health = await within(2_000, pool.request({ path: '/health', method: 'GET' }));

    expect(report).toEqual({ rows: 3 });
    expect(await health.body.text()).toBe('ok');
    expect(recorder.categories).toEqual([RETRYABLE, RETRYABLE]);
    expect(server.requests('/reports/daily')).toHaveLength(3);
    const ports = new Set(server.requests().map((received) => received.remotePort));
    expect(ports.size === 1).toBe(reused);
  });
});

describe('retryOnResult on raw undici responses (no ensureOk)', () => {
  function isResponseData(value: unknown): value is Dispatcher.ResponseData {
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { statusCode?: unknown }).statusCode === 'number'
    );
  }

  function getQuote(): Promise<Dispatcher.ResponseData> {
    return withRetry(() => pool.request({ path: '/quote', method: 'GET' }), {
      ...immediate,
      retryOnResult: (result) => isResponseData(result) && result.statusCode >= 500,
      onGiveUp: recorder.onGiveUp,
      onRetry: (result, attempt, delayMs) => {
        recorder.onRetry(result, attempt, delayMs);
        // A response that is retried is dropped: read its body out here (not in retryOnResult, which
        // also sees the last response, the one returned), or it keeps holding the pool's only
        // connection and the next attempt waits for ever.
        if (isResponseData(result)) void result.body.dump();
      },
    });
  }

  it('503 then 200: retried, the 200 returned', async () => {
    server.script('/quote', [{ status: 503, body: largeBody }, { body: { cents: 1299 } }]);

    const response = await getQuote();

    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ cents: 1299 });
    expect(server.requests('/quote')).toHaveLength(2);
    expect(recorder.categories).toEqual([RETRYABLE]);
  });

  it('503 every time: retried, then the last 503 response returned (not thrown), its body intact', async () => {
    server.script('/quote', [{ status: 503, body: largeBody }]);

    const response = await getQuote();

    expect(response.statusCode).toBe(503);
    expect(await response.body.text()).toBe(largeBody);
    expect(server.requests('/quote')).toHaveLength(3);
    expect(recorder.categories).toEqual([RETRYABLE, RETRYABLE]);
    expect(recorder.giveUps).toEqual([{ error: response, category: RETRYABLE, attempts: 3 }]);
  });
});

describe('cancelling', () => {
  class ReportClient {
    // A long wait on purpose: the abort must end it at once.
    @Retry({
      maxAttempts: 3,
      initialDelay: 30_000,
      maxDelay: 60_000,
      jitter: 'none',
      ...retryCallbacks,
    })
    async report(id: string, options: { signal?: AbortSignal } = {}): Promise<unknown> {
      const response = await request(`${server.url}/reports/${id}`, {
        dispatcher: agent,
        signal: options.signal,
      });
      return (await ensureOk(response)).body.json();
    }
  }

  it('an AbortSignal in the call options ends the retry wait at once, with its reason', async () => {
    server.script('/reports/r-1', [{ status: 503 }, { body: { rows: 1 } }]);
    const controller = new AbortController();
    const reason = new Error('the user closed the page');

    const call = rejectionOf(new ReportClient().report('r-1', { signal: controller.signal }));
    const retry = await recorder.nextRetry();
    const abortedAt = Date.now();
    controller.abort(reason);

    expect(await call).toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(retry).toMatchObject({ category: RETRYABLE, delayMs: 30_000 });
    expect(server.requests('/reports/r-1')).toHaveLength(1);
    expect(recorder.giveUps).toEqual([]);
  });
});

it('a fractional Retry-After (0.05 s) is waited for in real time before the next request', async () => {
  server.script('/quick', [
    { status: 429, headers: { 'retry-after': '0.05' } },
    { body: { ok: true } },
  ]);
  const startedAt = Date.now();

  await expect(new ModelGateway().complete('/quick')).resolves.toEqual({ ok: true });

  expect(rateLimitRecorder.retries.map(({ category, delayMs }) => [category, delayMs])).toEqual([
    [RETRYABLE, 50],
  ]);
  // Timers may fire a millisecond early by Date.now()'s reckoning.
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
  expect(server.requests('/quick')).toHaveLength(2);
});
