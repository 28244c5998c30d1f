import { Agent, fetch as undiciFetch, request } from 'undici';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { Retry, retryable, withRetry } from '../../src';
import { ensureOk } from '../../src/undici';
import {
  findClosedPort,
  startHttpServer,
  type ScriptedHttpServer,
} from '../../examples/servers/http-server';
import { ErrorCategory, RetryRecorder, rejectionOf } from './retry-recorder';

const { NETWORK } = ErrorCategory;

// random 0 makes the full-jitter delay 0: the retries run at once, with no timer.
const immediate = { maxAttempts: 3, initialDelay: 1, random: () => 0 } as const;

let server: ScriptedHttpServer;
let agent: Agent;
const recorder = new RetryRecorder();

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
  recorder.clear();
});

describe('a refused connection (nothing listens on the port): NETWORK, retried', () => {
  let closedUrl: string;
  beforeAll(async () => {
    closedUrl = `http://127.0.0.1:${await findClosedPort()}/orders`;
  });

  class OrderClient {
    attempts = 0;

    @Retry({ ...immediate, onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp })
    async list(url: string): Promise<unknown> {
      this.attempts += 1;
      return (await ensureOk(await request(url, { dispatcher: agent }))).body.json();
    }

    // Refused means the request was never sent, so even a call that must not run twice is retried.
    @Retry({
      ...immediate,
      idempotent: false,
      onRetry: recorder.onRetry,
      onGiveUp: recorder.onGiveUp,
    })
    async place(url: string, order: object): Promise<unknown> {
      this.attempts += 1;
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        body: JSON.stringify(order),
      });
      return (await ensureOk(response)).body.json();
    }
  }

  it.each([
    ['@Retry, undici request()', (client: OrderClient) => client.list(closedUrl)],
    [
      '@Retry({ idempotent: false }), POST with undici request()',
      (client: OrderClient) => client.place(closedUrl, { sku: 'A-1' }),
    ],
  ])('%s: every attempt made, then the last error rethrown', async (_label, call) => {
    const client = new OrderClient();

    const error = await rejectionOf(call(client));

    expect(client.attempts).toBe(3);
    expect(recorder.categories).toEqual([NETWORK, NETWORK]);
    expect(isFailureBeforeProcessing(error)).toBe(true);
    expect(recorder.giveUps).toEqual([{ error, category: NETWORK, attempts: 3 }]);
  });

  it('retryable() around undici fetch(): the TypeError("fetch failed") is classified by its cause', async () => {
    let attempts = 0;
    const getOrders = retryable(
      async (url: string) => {
        attempts += 1;
        return (await ensureOk(await undiciFetch(url, { dispatcher: agent }))).json();
      },
      { ...immediate, idempotent: false, onRetry: recorder.onRetry, onGiveUp: recorder.onGiveUp },
    );

    const error = await rejectionOf(getOrders(closedUrl));

    expect(error).toBeInstanceOf(TypeError);
    expect(attempts).toBe(3);
    expect(recorder.categories).toEqual([NETWORK, NETWORK]);
    expect(recorder.giveUps[0].error).toBe(error);
  });
});

describe('a POST the server reads and then drops the connection on (it may have been processed)', () => {
  const order = { sku: 'A-1', quantity: 2 };

  async function postOrder(): Promise<unknown> {
    const response = await request(`${server.url}/orders`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    return (await ensureOk(response)).body.json();
  }

  it('idempotent (the default): NETWORK, retried, the second request succeeds', async () => {
    server.script('/orders', [{ resetAfterBody: true }, { status: 201, body: { id: 'order-1' } }]);

    const created = await withRetry(postOrder, {
      ...immediate,
      onRetry: recorder.onRetry,
      onGiveUp: recorder.onGiveUp,
    });

    expect(created).toEqual({ id: 'order-1' });
    expect(server.requests('/orders').map((received) => JSON.parse(received.body))).toEqual([
      order,
      order,
    ]);
    expect(recorder.categories).toEqual([NETWORK]);
    expect(recorder.giveUps).toEqual([]);
  });

  it('idempotent: false: NETWORK, not retried, the server saw exactly one request', async () => {
    server.script('/orders', [{ resetAfterBody: true }, { status: 201, body: { id: 'order-1' } }]);

    const error = await rejectionOf(
      withRetry(postOrder, {
        ...immediate,
        idempotent: false,
        onRetry: recorder.onRetry,
        onGiveUp: recorder.onGiveUp,
      }),
    );

    // undici reports it as SocketError 'other side closed' (UND_ERR_SOCKET) or ECONNRESET.
    expect((error as { code?: unknown }).code).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(isFailureBeforeProcessing(error)).toBe(false);
    expect(server.requests('/orders')).toHaveLength(1);
    expect(recorder.retries).toEqual([]);
    expect(recorder.giveUps).toEqual([{ error, category: NETWORK, attempts: 1 }]);
  });
});
