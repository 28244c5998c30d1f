import { Agent, request } from 'undici';
import { Breaker, BrokenCircuitError, CircuitBreaker, HttpError, Retry } from '../../src';
import { ensureOk } from '../../src/undici';
import { fakeDateOnly } from './fake-date';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';

// The breaker and the retry budget against the real local HTTP server, through real undici. Only
// the clock is fake (Date, which the breaker's break and the budget's window read); sockets and
// timers are real, and every retry is immediate, so nothing waits for real.

/** Whole seconds: the budget's buckets (window / 10 = 1 s) start on the wall clock's seconds. */
const start = 1_800_000_000_000;

let server: ScriptedHttpServer;
let agent: Agent;

beforeAll(async () => {
  server = await startHttpServer();
  agent = new Agent();
});

afterAll(async () => {
  await agent.close();
  await server.close();
});

beforeEach(() => {
  server.reset();
  jest.useFakeTimers(fakeDateOnly);
  jest.setSystemTime(start);
});

afterEach(() => {
  jest.useRealTimers();
});

async function getJson(path: string): Promise<unknown> {
  return (await ensureOk(await request(`${server.url}${path}`, { dispatcher: agent }))).body.json();
}

describe('an outage behind a circuit breaker', () => {
  it('opens it; the server then sees no request until the half-open probe', async () => {
    server.script('/stock', [{ status: 503 }]);
    const breaker = new Breaker({ consecutiveFailures: 3, breakDuration: 30_000 });
    class Inventory {
      @Retry({ maxAttempts: 3, delays: [0] })
      @CircuitBreaker(breaker)
      async stock(): Promise<unknown> {
        return getJson('/stock');
      }
    }
    const inventory = new Inventory();

    const first = await inventory.stock().catch((error: unknown) => error);
    expect(first).toBeInstanceOf(HttpError); // the last real error, not the breaker's
    expect((first as HttpError).status).toBe(503);
    expect(server.requests('/stock')).toHaveLength(3);
    expect(breaker.state).toBe('open');

    for (let call = 0; call < 20; call++) {
      jest.setSystemTime(start + call * 1_000);
      await expect(inventory.stock()).rejects.toBeInstanceOf(BrokenCircuitError);
    }
    expect(server.requests('/stock')).toHaveLength(3);

    // The break is over: the dependency is back, and one probe at a time finds it out.
    server.script('/stock', [{ status: 200, body: { units: 7 }, delayMs: 20 }]);
    jest.setSystemTime(start + 30_000);
    const callers = await Promise.allSettled(Array.from({ length: 5 }, () => inventory.stock()));
    expect(callers.filter((settled) => settled.status === 'fulfilled')).toEqual([
      { status: 'fulfilled', value: { units: 7 } },
    ]);
    expect(
      callers.filter(
        (settled) => settled.status === 'rejected' && settled.reason instanceof BrokenCircuitError,
      ),
    ).toHaveLength(4);
    expect(server.requests('/stock')).toHaveLength(4);
    expect(breaker.state).toBe('closed');
    await expect(inventory.stock()).resolves.toEqual({ units: 7 });
    expect(server.requests('/stock')).toHaveLength(5);
  });
});

describe('a full outage under steady traffic', () => {
  const ratePerSecond = 20;
  const seconds = 10;
  const calls = ratePerSecond * seconds;

  /** R calls a second for 10 s, one after another, each ending before the next starts. */
  async function steadyTraffic(call: () => Promise<unknown>): Promise<number> {
    for (let index = 0; index < calls; index++) {
      jest.setSystemTime(start + (index * 1_000) / ratePerSecond);
      await expect(call()).rejects.toBeInstanceOf(HttpError);
    }
    return server.requests('/search').length;
  }

  it('costs the server at most (1.1 + 10/R)x the calls with the default budget, 3x without', async () => {
    server.script('/search', [{ status: 503 }]);
    class Search {
      @Retry({ maxAttempts: 3, delays: [0] })
      async query(): Promise<unknown> {
        return getJson('/search');
      }
    }
    const budgeted = await steadyTraffic(() => new Search().query());
    expect(budgeted).toBeLessThanOrEqual((1.1 + 10 / ratePerSecond) * calls);
    expect(budgeted).toBeGreaterThan(calls); // the budget's allowance was spent, not refused outright

    server.reset();
    server.script('/search', [{ status: 503 }]);
    class UnbudgetedSearch {
      @Retry({ maxAttempts: 3, delays: [0], budget: false })
      async query(): Promise<unknown> {
        return getJson('/search');
      }
    }
    expect(await steadyTraffic(() => new UnbudgetedSearch().query())).toBe(3 * calls);
  }, 30_000); // about 900 real requests
});
