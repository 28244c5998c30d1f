import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch, request } from 'undici';
import { ensureOk, HttpError } from '../../src/undici';

// ensureOk's message "quotes up to 1 KiB of a textual error body" and marks a cut with "…". On the
// fetch path the reader stops at exactly 1024 bytes without waiting to learn whether more follows;
// the message must still not look like the complete body.
let server: Server;
let url: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((incoming, response) => {
    if (incoming.url === '/cut') {
      // Promises 100 kB, sends a few bytes, then drops the connection.
      response.writeHead(500, { 'content-type': 'application/json', 'content-length': '100000' });
      response.write('{"message":"the first part');
      setTimeout(() => response.destroy(), 10);
      return;
    }
    response.writeHead(400, { 'content-type': 'text/plain' });
    response.write('a'.repeat(1024));
    setTimeout(() => response.end(' and the part that explains the error'), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await agent.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('marks a fetch error body cut at exactly 1 KiB as truncated', async () => {
  const error = await ensureOk(await fetch(url, { dispatcher: agent })).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).message.endsWith('…')).toBe(true);
});

describe.each([
  ['request()', () => request(`${url}cut`, { dispatcher: agent })],
  ['fetch()', () => fetch(`${url}cut`, { dispatcher: agent })],
] as const)('an error body whose connection drops part-way, read by %s', (_client, call) => {
  it('is quoted as far as it came and marked as truncated', async () => {
    const error = await ensureOk(await call()).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(
      'HTTP 500 Internal Server Error: {"message":"the first part…',
    );
  });
});
