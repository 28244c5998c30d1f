import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fetch } from 'undici';
import { HttpError, Retry } from '../../src';

// README "Quick start", getInvoice(), as written there except for the base URL and the return type
// (fetch is undici's: Node 20's global fetch behaves the same outside jest, but jest's realm skews
// socket counts). An error body larger than the stream's high-water mark holds its connection open
// unless it is cancelled before HttpError is thrown: every failed attempt would leak a socket.
let server: Server;
let base: string;
const openSockets = new Set<Socket>();
let requests = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    if (requests < 3) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'x'.repeat(300 * 1024) }));
    } else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: '42' }));
    }
  });
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

class PaymentsClient {
  @Retry({ initialDelay: 1, maxDelay: 1 })
  async getInvoice(id: string): Promise<unknown> {
    const response = await fetch(`${base}/invoices/${id}`);
    if (!response.ok) {
      await response.body?.cancel(); // free the connection before the next attempt needs one
      throw new HttpError(response.status, Object.fromEntries(response.headers));
    }
    return response.json();
  }
}

it('README quick-start getInvoice leaves no connection of a failed attempt open', async () => {
  await expect(new PaymentsClient().getInvoice('42')).resolves.toEqual({ id: '42' });
  expect(requests).toBe(3);
  await new Promise((resolve) => setTimeout(resolve, 30));
  // At most the keep-alive socket of the successful call; with `await ensureOk(response)` this holds.
  expect(openSockets.size).toBeLessThanOrEqual(1);
});
