import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { ensureOk, HttpError } from '../../src/undici';

// Header records are built without a prototype: a response header named `constructor` or
// `__proto__` is plain data, never merged with (or swallowed by) what Object.prototype has.

let server: Server;
let url: string;
let agent: Agent;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(503, [
      ['Constructor', 'abc'],
      ['__proto__', 'xyz'],
      ['Retry-After', '2'],
      ['content-type', 'text/plain'],
    ]);
    response.end('down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = new Agent();
});

afterAll(async () => {
  await agent.destroy();
  await new Promise((resolve) => server.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe.each([
  ['undici request()', () => request(url, { dispatcher: agent })],
  ['undici fetch()', () => undiciFetch(url, { dispatcher: agent })],
  ['global fetch()', () => fetch(url)],
] as const)('ensureOk with %s', (_client, call) => {
  it('keeps headers named constructor and __proto__ as plain data', async () => {
    const error = await rejection(ensureOk(await call()));
    expect(Object.getPrototypeOf(error.headers)).toBeNull();
    expect(error.headers.constructor).toBe('abc');
    expect(Object.hasOwn(error.headers, '__proto__')).toBe(true);
    expect(error.headers['__proto__']).toBe('xyz');
    expect(error.headers['retry-after']).toBe('2');
    expect(readRetryAfter(error, 0)).toBe(2000);
  });
});

describe('new HttpError(status, headers)', () => {
  it('copies own headers into a record without a prototype, lower-casing their names', () => {
    const given: Record<string, string> = { Constructor: 'abc', ToString: 't' };
    Object.defineProperty(given, '__proto__', { value: 'xyz', enumerable: true });
    const error = new HttpError(500, given);
    expect(Object.getPrototypeOf(error.headers)).toBeNull();
    expect(error.headers.constructor).toBe('abc');
    expect(error.headers.tostring).toBe('t');
    expect(Object.hasOwn(error.headers, '__proto__')).toBe(true);
    expect(error.headers['__proto__']).toBe('xyz');
    expect(Object.keys(new HttpError(500).headers)).toEqual([]);
  });
});
