import { request } from 'undici';
import { AttemptTimeoutError, Retry, Timeout, currentAttempt, withRetry } from '../../../src';
import { ensureOk } from '../../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../../examples/servers/http-server';
import { eventually } from './eventually';

// @Timeout against a real server that stalls: the attempt's signal, passed to undici or fetch,
// closes the connection when the time limit passes (the server sees it end), and the next attempt
// gets the answer. The time limit's 250 ms pass on jest's fake clock, once the stalled request has
// reached the server: nothing waits for them in real time, and a loaded machine that is slow to
// answer the request that does not stall cannot time it out. The server and eventually() keep
// real time (node:timers).

let server: ScriptedHttpServer;

/** Ends the stalled first attempt: its request has reached the server, then its 250 ms pass. */
async function timeOutTheStalledRequest(): Promise<void> {
  await eventually(() => server.requests('/price').length === 1);
  await jest.advanceTimersByTimeAsync(250);
}

beforeEach(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  server = await startHttpServer();
  // First request: nothing is sent for 30 s (the client must give up); then a price.
  server.script('/price', [{ hangMs: 30_000 }, { body: { cents: 1299 } }]);
  // A first exchange loads undici's and fetch's code and opens a connection, so that the time
  // limits below measure the stall, not the start-up of a loaded machine.
  server.script('/warm-up', [{ body: 'ok' }]);
  await (await request(`${server.url}/warm-up`)).body.text();
  await (await fetch(`${server.url}/warm-up`)).text();
});

afterEach(async () => {
  jest.useRealTimers();
  await server.close();
});

const exact = { maxAttempts: 3, delays: [0], budget: false } as const;

test('undici request(): the stalled request is aborted on time, and the retry succeeds', async () => {
  const timeouts: unknown[] = [];
  class PriceService {
    @Retry({ ...exact, onRetry: (error) => timeouts.push(error) })
    @Timeout(250)
    async price(): Promise<number> {
      const { signal } = currentAttempt()!;
      const response = await ensureOk(await request(`${server.url}/price`, { signal }));
      return ((await response.body.json()) as { cents: number }).cents;
    }
  }
  const price = new PriceService().price();
  await timeOutTheStalledRequest();
  await expect(price).resolves.toBe(1299);
  expect(server.requests('/price')).toHaveLength(2);
  expect(timeouts).toHaveLength(1);
  expect(timeouts[0]).toBeInstanceOf(AttemptTimeoutError);
  expect(timeouts[0]).toMatchObject({
    code: 'TENACIOUS_ATTEMPT_TIMEOUT',
    attempt: 1,
    timeout: 250,
  });
  // The server saw the first request's connection end before it answered.
  await eventually(() => server.abandoned('/price').length === 1);
  expect(server.abandoned('/price')[0].sequence).toBe(1);
});

test('fetch(): the same through withRetry({ timeout })', async () => {
  const attempts: number[] = [];
  const call = withRetry(
    async () => {
      const { attempt, signal } = currentAttempt()!;
      attempts.push(attempt);
      const response = await ensureOk(await fetch(`${server.url}/price`, { signal }));
      return ((await response.json()) as { cents: number }).cents;
    },
    { ...exact, timeout: { ms: 250 } },
  );
  await timeOutTheStalledRequest();
  await expect(call).resolves.toBe(1299);
  expect(attempts).toEqual([1, 2]);
  await eventually(() => server.abandoned('/price').length === 1);
});

test('a method that ignores the signal still gets AttemptTimeoutError; the server stalls on', async () => {
  class PriceService {
    @Timeout(250)
    async price(): Promise<unknown> {
      return request(`${server.url}/price`); // no signal: the request itself is not stopped
    }
  }
  const error = new PriceService().price().catch((thrown: unknown) => thrown);
  await timeOutTheStalledRequest();
  expect(await error).toBeInstanceOf(AttemptTimeoutError);
  expect(server.abandoned('/price')).toHaveLength(0);
});
