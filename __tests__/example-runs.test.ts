import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { request } from 'undici';
import { runOnFakeClock } from './example-runs';

const nodeTimeout = AbortSignal.timeout;

// The fake-clock helper itself: an example that never ends must fail its test, not keep the
// helper's loop (and so the jest run) going after the test has timed out.
describe('runOnFakeClock', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let url: string;

  beforeAll(async () => {
    // Accepts connections and never answers: a request to it stays in flight.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });

  afterAll(async () => {
    jest.useRealTimers();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up on an example whose request never ends, after its real-time limit', async () => {
    const stuck = new AbortController();
    const run = runOnFakeClock(
      async () => {
        await request(url, { signal: stuck.signal });
      },
      { realTimeLimitMs: 50 },
    );
    await expect(run).rejects.toThrow(/did not end within 50 ms of real time/);
    stuck.abort();
  });

  it('makes AbortSignal.timeout abort on the fake clock while the example runs, then not', async () => {
    let reason: unknown;
    await runOnFakeClock(
      async () => {
        const signal = AbortSignal.timeout(60_000);
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        reason = signal.reason;
      },
      { realTimeLimitMs: 1_000 },
    );
    expect(reason).toBeInstanceOf(DOMException);
    expect(reason).toMatchObject({ name: 'TimeoutError' });
    expect(AbortSignal.timeout).toBe(nodeTimeout);
  });
});
