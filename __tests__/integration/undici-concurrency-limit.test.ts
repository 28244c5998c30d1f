import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ConcurrencyLimit, ConcurrencyLimiter, stats } from '../../src';
import { ensureOk } from '../../src/undici';

// 10,000 concurrent calls through @ConcurrencyLimit, each a real undici request to a local server
// that counts the requests in flight: it never sees more than the limit at once, the calls start
// in the order they were made (FIFO), and nothing is left in the limiter afterwards.

const limit = 8;
const total = 10_000;

let server: Server;
let url: string;
let agent: Agent;
let inFlight = 0;
let mostInFlight = 0;
let served = 0;

beforeAll(async () => {
  server = createServer((incoming, response) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    incoming.resume();
    // Answer on a later turn, so that requests overlap whenever the client lets them.
    setImmediate(() => {
      inFlight -= 1;
      served += 1;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent({ connections: 64 });
});

afterAll(async () => {
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('10,000 concurrent calls never have more than the limit in flight, and start in FIFO order', async () => {
  const limiter = new ConcurrencyLimiter({ maxConcurrent: limit, maxQueued: Infinity });
  const started: number[] = [];
  class Client {
    @ConcurrencyLimit(limiter)
    async get(index: number): Promise<string> {
      started.push(index);
      const response = await ensureOk(await request(`${url}/item/${index}`, { dispatcher: agent }));
      return response.body.text();
    }
  }
  const client = new Client();
  const calls = Array.from({ length: total }, (_, index) => client.get(index));
  expect(limiter.running).toBe(limit);
  expect(limiter.queued).toBe(total - limit);
  const bodies = await Promise.all(calls);
  expect(bodies.every((body) => body === 'ok')).toBe(true);
  expect(served).toBe(total);
  expect(mostInFlight).toBeLessThanOrEqual(limit);
  // They did overlap, so the bound above was put to the test.
  expect(mostInFlight).toBeGreaterThan(1);
  expect(started).toEqual(Array.from({ length: total }, (_, index) => index));
  expect(stats(limiter)).toEqual({
    running: 0,
    queued: 0,
    admitted: total,
    rejections: 0,
    aborted: 0,
  });
  expect(stats(client.get)).toMatchObject({ calls: total, attempts: total, rejections: 0 });
}, 60_000);
