import { Agent, request } from 'undici';
import { RateLimit, RateLimiter, RetryOnRateLimit, stats } from '../../src';
import { ensureOk } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';

// The limiter against the real local HTTP server, through real undici. The client's timers and
// Date are jest's fake ones (the limiter's waits cost no real time); sockets are real. Virtual time
// moves in 10 ms steps, and each step lets every request in flight finish before the next, so the
// server, whose scripts read the same Date, stamps each request with the virtual time it was sent.
// The clock is installed once for the file: undici keeps a module-level timer made at its first request.

const step = 10;
let server: ScriptedHttpServer;
let agent: Agent;
let inFlight = 0;

beforeAll(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: 0 });
  server = await startHttpServer();
  agent = new Agent();
});

afterAll(async () => {
  await agent.close();
  await server.close();
  jest.useRealTimers();
});

async function getStatus(path: string): Promise<number> {
  inFlight += 1;
  try {
    const response = await ensureOk(await request(`${server.url}${path}`, { dispatcher: agent }));
    await response.body.dump();
    return response.statusCode;
  } finally {
    inFlight -= 1;
  }
}

const realTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lets real I/O finish while virtual time stands still. */
async function settle(): Promise<void> {
  do {
    await realTurn();
    await realTurn();
  } while (inFlight > 0);
}

/**
 * Starts `start()` every `every` ms of virtual time for `duration` ms, then lets every call end;
 * returns how the calls ended.
 */
async function drive(
  duration: number,
  every: number,
  start: () => Promise<unknown>,
): Promise<{ succeeded: number; failed: number }> {
  const outcomes: Promise<boolean>[] = [];
  const end = Date.now() + duration;
  let nextStart = Date.now();
  while (Date.now() < end || inFlight > 0 || jest.getTimerCount() > 0) {
    while (Date.now() < end && Date.now() >= nextStart) {
      outcomes.push(
        start().then(
          () => true,
          () => false,
        ),
      );
      nextStart += every;
    }
    await settle();
    await jest.advanceTimersByTimeAsync(step);
    await settle();
  }
  const settled = await Promise.all(outcomes);
  const succeeded = settled.filter(Boolean).length;
  return { succeeded, failed: settled.length - succeeded };
}

/** The largest number of stamps in any window [stamp, stamp + width). */
function busiestWindow(stamps: readonly number[], width: number, from = -Infinity): number {
  let busiest = 0;
  for (const stamp of stamps) {
    if (stamp < from) continue;
    busiest = Math.max(busiest, stamps.filter((s) => s >= stamp && s < stamp + width).length);
  }
  return busiest;
}

it('over several intervals the server never sees more than limit + burst in any interval', async () => {
  const stamps: number[] = [];
  server.script('/paced', [
    () => {
      stamps.push(Date.now());
      return { body: 'ok' };
    },
  ]);
  const limiter = new RateLimiter({ limit: 5, interval: 1000, maxWait: 2000 });
  class Client {
    @RateLimit(limiter)
    async get(): Promise<number> {
      return getStatus('/paced');
    }
  }
  const client = new Client();
  const startedAt = Date.now();
  // 30 calls a second for 5 seconds, against 5 a second.
  const { succeeded, failed } = await drive(5000, 1000 / 30, () => client.get());

  const relative = stamps.map((stamp) => stamp - startedAt);
  expect(stamps).toHaveLength(succeeded);
  expect(failed).toBeGreaterThan(0); // beyond maxWait: refused, never sent
  expect(busiestWindow(relative, 1000)).toBeLessThanOrEqual(10); // limit + burst
  // Once the burst is spent, the demand keeps it saturated: limit per interval.
  expect(busiestWindow(relative, 1000, 1000)).toBeLessThanOrEqual(6);
  const span = relative[relative.length - 1] - relative[0];
  expect(stamps.length).toBeLessThanOrEqual(5 + (5 * span) / 1000 + 1);
  expect(stats(limiter)).toMatchObject({ granted: succeeded, rejections: failed });
});

/**
 * A server that allows `rate` requests a second (a token bucket, `burst` deep) on `path` and
 * answers 429 to the rest; it counts both.
 */
function throttleAbove(path: string, rate: number, burst: number) {
  const counts = { accepted: 0, throttled: 0, acceptedAfter: [] as number[] };
  let tokens = burst;
  let last = Date.now();
  server.script(path, [
    () => {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        counts.accepted += 1;
        counts.acceptedAfter.push(now);
        return { body: 'ok' };
      }
      counts.throttled += 1;
      return { status: 429 };
    },
  ]);
  return counts;
}

/** A seeded source for the retries' jitter, so the run is the same every time. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const retries = { maxAttempts: 4, initialDelay: 100, maxDelay: 2000 } as const;
const adaptiveRun = { serverRate: 20, demand: 50, seconds: 20 } as const;

it('adaptive: converges near the rate a throttling server allows, with far fewer 429s than plain retries', async () => {
  const { serverRate, demand, seconds } = adaptiveRun;
  const plainCounts = throttleAbove('/plain', serverRate, 5);
  const adaptiveCounts = throttleAbove('/adaptive', serverRate, 5);
  const limiter = new RateLimiter({ limit: 100, interval: 1000, adaptive: true });
  class PlainClient {
    @RetryOnRateLimit({ ...retries, random: seeded(1) })
    async get(): Promise<number> {
      return getStatus('/plain');
    }
  }
  class AdaptiveClient {
    @RetryOnRateLimit({ ...retries, random: seeded(1) })
    @RateLimit(limiter)
    async get(): Promise<number> {
      return getStatus('/adaptive');
    }
  }
  const plainClient = new PlainClient();
  const adaptiveClient = new AdaptiveClient();

  const plainStart = Date.now();
  const plain = await drive(seconds * 1000, 1000 / demand, () => plainClient.get());
  const adaptiveStart = Date.now();
  const adaptive = await drive(seconds * 1000, 1000 / demand, () => adaptiveClient.get());

  // The second half: the rate the server accepted once the limiter had found it.
  const secondHalf = (stamps: number[], start: number): number =>
    stamps.filter(
      (stamp) => stamp >= start + (seconds * 1000) / 2 && stamp < start + seconds * 1000,
    ).length /
    (seconds / 2);
  const result = {
    plain: { ...plain, throttled: plainCounts.throttled, accepted: plainCounts.accepted },
    adaptive: {
      ...adaptive,
      throttled: adaptiveCounts.throttled,
      accepted: adaptiveCounts.accepted,
    },
    adaptiveAcceptedPerSecond: secondHalf(adaptiveCounts.acceptedAfter, adaptiveStart),
    plainAcceptedPerSecond: secondHalf(plainCounts.acceptedAfter, plainStart),
    finalRate: limiter.rate,
  };
  if (process.env.RATE_LIMIT_REPORT === '1') process.stdout.write(`${JSON.stringify(result)}\n`);

  expect(result.adaptive.throttled * 4).toBeLessThan(result.plain.throttled);
  expect(result.adaptiveAcceptedPerSecond).toBeGreaterThanOrEqual(serverRate * 0.7);
  expect(result.adaptiveAcceptedPerSecond).toBeLessThanOrEqual(serverRate * 1.05);
  expect(result.adaptive.succeeded).toBeGreaterThanOrEqual(result.plain.succeeded * 0.8);
});
