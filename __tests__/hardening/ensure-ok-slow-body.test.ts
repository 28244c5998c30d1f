import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// The server keeps real time while the test fakes the client's clock (jest does not replace these).
import { clearInterval, setInterval } from 'node:timers';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { ensureOk, errorBodyTimeLimit, HttpError } from '../../src/undici';

// A hostile server answers 503 at once and then trickles its body one byte every 50 ms. ensureOk
// knows the status and headers at once: it must throw within errorBodyTimeLimit whatever the body
// does, and destroy or cancel the body so the socket is freed (the server sees its response end).

let server: Server;
let url: string;
let agent: Agent;
const responsesClosed: Promise<void>[] = [];

function trickle(response: ServerResponse, contentType: string): void {
  response.writeHead(503, { 'content-type': contentType, 'retry-after': '1' });
  response.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    sent += 1;
    response.write('x');
    if (sent === 400) response.end(); // 20 s: far beyond any reasonable wait
  }, 50);
  responsesClosed.push(
    new Promise((resolve) =>
      response.on('close', () => {
        clearInterval(timer);
        resolve();
      }),
    ),
  );
}

beforeAll(async () => {
  server = createServer((request, response) => {
    trickle(response, request.url === '/binary' ? 'application/octet-stream' : 'application/json');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent();
});

afterAll(async () => {
  await agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  responsesClosed.length = 0;
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(() => {
  jest.useRealTimers();
});

type Client = 'undici request()' | 'undici fetch()' | 'global fetch()';
const clients: readonly Client[] = ['undici request()', 'undici fetch()', 'global fetch()'];

async function call(client: Client, path: string): Promise<unknown> {
  if (client === 'undici request()') return request(`${url}${path}`, { dispatcher: agent });
  if (client === 'undici fetch()') return undiciFetch(`${url}${path}`, { dispatcher: agent });
  return fetch(`${url}${path}`);
}

it('documents a short bound', () => {
  expect(errorBodyTimeLimit).toBeGreaterThan(0);
  expect(errorBodyTimeLimit).toBeLessThanOrEqual(100);
});

describe.each(clients)('ensureOk with %s on a 503 whose body trickles', (client) => {
  it.each(['/json', '/binary'])(
    'throws the HttpError within errorBodyTimeLimit for %s and frees the socket',
    async (path) => {
      const response = await call(client, path);
      let outcome: unknown;
      const settled = ensureOk(response as Parameters<typeof ensureOk>[0]).then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = error),
      );

      await jest.advanceTimersByTimeAsync(errorBodyTimeLimit);

      expect(outcome).toBeInstanceOf(HttpError);
      expect((outcome as HttpError).status).toBe(503);
      expect((outcome as HttpError).headers['retry-after']).toBe('1');
      // The server sees its response end: the body was destroyed or cancelled, not left hanging.
      expect(responsesClosed).toHaveLength(1);
      await responsesClosed[0];
      await settled;
    },
  );
});
