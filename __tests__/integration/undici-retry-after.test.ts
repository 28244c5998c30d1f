import type { OutgoingHttpHeaders } from 'node:http';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { Retry, RetryOnRateLimit, withRetry } from '../../src';
import { ensureOk } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';
import { ErrorCategory, RetryRecorder } from './retry-recorder';

const { RETRYABLE } = ErrorCategory;

// The client's sleep runs on jest's fake clock, so a Retry-After of seconds costs no real time;
// the sockets and the server (whose timers come from node:timers) stay real. Date is faked too and
// frozen on a whole second, so an HTTP-date converts to an exact wait. The clock is installed once
// for the file: undici keeps a module-level timer made with the clock in place at its first request.
const now = new Date('2030-06-01T12:00:00.000Z');
const maxDelay = 10_000;
// random 0 makes the jittered backoff 0, so the delay is exactly the wait the server asked for.
const backoff = { initialDelay: 1, maxDelay, random: () => 0 } as const;

let server: ScriptedHttpServer;
let agent: Agent;
const recorder = new RetryRecorder();

beforeAll(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now });
  server = await startHttpServer();
  agent = new Agent();
});

afterAll(async () => {
  await agent.close();
  await server.close();
  jest.useRealTimers();
});

beforeEach(() => {
  jest.setSystemTime(now);
  server.reset();
  recorder.clear();
});

class QuoteClient {
  @RetryOnRateLimit({ ...backoff, onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp })
  async rateLimited(path: string): Promise<unknown> {
    return (
      await ensureOk(await request(`${server.url}${path}`, { dispatcher: agent }))
    ).body.json();
  }

  @Retry({ ...backoff, onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp })
  async transient(path: string): Promise<unknown> {
    return (
      await ensureOk(await request(`${server.url}${path}`, { dispatcher: agent }))
    ).body.json();
  }
}

/** withRetry around undici fetch(), with a rate-limit lane as well. */
function fetchWithBothLanes(path: string): Promise<unknown> {
  const callbacks = { onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp };
  return withRetry(
    async () =>
      (await ensureOk(await undiciFetch(`${server.url}${path}`, { dispatcher: agent }))).json(),
    {
      ...backoff,
      ...callbacks,
      rateLimit: { ...backoff, ...callbacks },
    },
  );
}

type Caller = (path: string) => Promise<unknown>;
const quoteClient = new QuoteClient();
const callers: Record<string, Caller> = {
  '@RetryOnRateLimit, request()': (path) => quoteClient.rateLimited(path),
  '@Retry, request()': (path) => quoteClient.transient(path),
  'withRetry + rateLimit lane, fetch()': fetchWithBothLanes,
};

const inSeconds = (seconds: number): string =>
  new Date(now.getTime() + seconds * 1000).toUTCString();

it.each<[string, keyof typeof callers, number, OutgoingHttpHeaders, number]>([
  ['Retry-After: 1 (seconds)', '@RetryOnRateLimit, request()', 429, { 'retry-after': '1' }, 1_000],
  [
    'Retry-After: an HTTP-date 3 s ahead',
    '@RetryOnRateLimit, request()',
    429,
    { 'retry-after': inSeconds(3) },
    3_000,
  ],
  ['Retry-After: 2 on a 503', '@Retry, request()', 503, { 'retry-after': '2' }, 2_000],
  [
    'Retry-After: an HTTP-date 5 s ahead',
    'withRetry + rateLimit lane, fetch()',
    429,
    { 'retry-after': inSeconds(5) },
    5_000,
  ],
  [
    'Retry-After: 4 on a 503',
    'withRetry + rateLimit lane, fetch()',
    503,
    { 'retry-after': '4' },
    4_000,
  ],
])(
  '%s (%s, status %d): waits at least that long, then the next request succeeds',
  async (_label, caller, status, headers, askedWait) => {
    server.script('/quote', [{ status, headers }, { body: { cents: 1299 } }]);

    const result = callers[caller]('/quote');
    const retry = await recorder.nextRetry();

    expect(retry).toMatchObject({ category: RETRYABLE, attempt: 1, delayMs: askedWait });
    await jest.advanceTimersByTimeAsync(askedWait - 1);
    expect(server.requests('/quote')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ cents: 1299 });
    expect(server.requests('/quote')).toHaveLength(2);
  },
);

it.each<[string, OutgoingHttpHeaders]>([
  ['Retry-After: 30 (seconds)', { 'retry-after': '30' }],
  ['Retry-After: an HTTP-date a minute ahead', { 'retry-after': inSeconds(60) }],
])('%s beyond maxDelay: the wait is clamped to maxDelay', async (_label, headers) => {
  server.script('/busy', [{ status: 429, headers }, { body: { cents: 1299 } }]);

  const result = quoteClient.rateLimited('/busy');
  const retry = await recorder.nextRetry();

  expect(retry.delayMs).toBe(maxDelay);
  await jest.advanceTimersByTimeAsync(maxDelay);
  await expect(result).resolves.toEqual({ cents: 1299 });
  expect(server.requests('/busy')).toHaveLength(2);
});
