import { Agent, errors, request } from 'undici';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { Retry } from '../../src';
import { ensureOk } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';
import { ErrorCategory, RetryRecorder, rejectionOf } from './retry-recorder';

const { TIMEOUT } = ErrorCategory;

// undici checks its headers and body timeouts on a coarse clock: a timer that ticks about every
// 500 ms, so a 50 ms headersTimeout really fires after 0.5-1 s. That clock is driven by the global
// setTimeout, so jest's fake timers drive it too: the test advances it by a second instead of
// waiting one. Sockets, the server (whose timers come from node:timers) and the timeout error
// itself stay real. undici keeps one module-level tick timer and refreshes it, so the fake clock is
// installed once for the whole file: a second clock would not see the first one's timer (each
// test file gets its own undici module, so other files are not affected).
const headersTimeout = 50;
const undiciClockTick = 1_000;

let server: ScriptedHttpServer;
let agent: Agent;
const recorder = new RetryRecorder();

beforeAll(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  server = await startHttpServer();
  agent = new Agent({ headersTimeout });
});

afterAll(async () => {
  await agent.destroy();
  await server.close();
  jest.useRealTimers();
});

beforeEach(() => {
  server.reset();
  recorder.clear();
  // The first request hangs (until server.close()); the second is answered at once.
  server.script('/search', [{ hangMs: 60_000 }, { body: { hits: ['doc-7'] } }]);
});

class SearchClient {
  // random 0: a full-jitter delay of 0, so the retry is made at once and only undici's clock is advanced.
  @Retry({
    maxAttempts: 2,
    initialDelay: 1,
    random: () => 0,
    onRetry: recorder.onRetry,
    onGiveUp: recorder.onGiveUp,
  })
  async search(query: string): Promise<unknown> {
    return this.#post(query);
  }

  @Retry({
    maxAttempts: 2,
    initialDelay: 1,
    random: () => 0,
    idempotent: false,
    onRetry: recorder.onRetry,
    onGiveUp: recorder.onGiveUp,
  })
  async searchAndLog(query: string): Promise<unknown> {
    return this.#post(query);
  }

  async #post(query: string): Promise<unknown> {
    const response = await request(`${server.url}/search`, {
      dispatcher: agent,
      method: 'POST',
      body: JSON.stringify({ query }),
    });
    return (await ensureOk(response)).body.json();
  }
}

/** Real I/O: resolves once the server has received `count` requests on `path`. */
async function serverReceived(path: string, count: number): Promise<void> {
  while (server.requests(path).length < count) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

it('idempotent: UND_ERR_HEADERS_TIMEOUT is TIMEOUT, retried, and the second request answers', async () => {
  const result = new SearchClient().search('red shoes');

  await serverReceived('/search', 1);
  await jest.advanceTimersByTimeAsync(undiciClockTick);

  await expect(result).resolves.toEqual({ hits: ['doc-7'] });
  expect(server.requests('/search')).toHaveLength(2);
  expect(recorder.retries).toHaveLength(1);
  expect(recorder.retries[0].error).toBeInstanceOf(errors.HeadersTimeoutError);
  expect(recorder.retries[0]).toMatchObject({ category: TIMEOUT, attempt: 1 });
  expect(recorder.giveUps).toEqual([]);
});

it('idempotent: false: not retried, because the request was sent and may be running', async () => {
  const result = rejectionOf(new SearchClient().searchAndLog('red shoes'));

  await serverReceived('/search', 1);
  await jest.advanceTimersByTimeAsync(undiciClockTick);

  const error = await result;
  expect((error as { code?: unknown }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  expect(isFailureBeforeProcessing(error)).toBe(false);
  expect(server.requests('/search')).toHaveLength(1);
  expect(recorder.retries).toEqual([]);
  expect(recorder.giveUps).toEqual([{ error, category: TIMEOUT, attempts: 1 }]);
});
