import {
  Agent,
  Pool,
  fetch as undiciFetch,
  request,
  type Dispatcher,
  type Response as UndiciResponse,
} from 'undici';
import { ensureOk, HttpError } from '../../src/undici';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';

let server: ScriptedHttpServer;
let agent: Agent;

beforeAll(async () => {
  server = await startHttpServer();
  agent = new Agent();
  server.script('/ok', [{ status: 200, body: 'hello' }]);
  server.script('/missing', [{ status: 404, body: { message: 'no such model' } }]);
  server.script('/throttled', [
    {
      status: 429,
      headers: {
        'Retry-After': '2',
        'x-amzn-errortype': 'ThrottlingException',
        'Set-Cookie': ['a=1', 'b=2'],
      },
      body: { message: 'Too many requests' },
    },
  ]);
  server.script('/unavailable', [{ status: 503 }]);
  server.script('/teapot-binary', [{ status: 418, body: new Uint8Array([0, 1, 2, 3]) }]);
  server.script('/large-error', [{ status: 500, body: { message: 'x'.repeat(100 * 1024) } }]);
  server.script('/large-binary-error', [{ status: 502, body: new Uint8Array(100 * 1024) }]);
  server.script('/huge-error', [{ status: 500, body: { message: 'x'.repeat(300 * 1024) } }]);
  server.script('/long-error', [{ status: 400, body: `${'word '.repeat(400)}end` }]);
});

afterAll(async () => {
  await agent.destroy();
  await server.close();
});

type Client = 'undici request()' | 'undici fetch()' | 'global fetch()';
const clients: readonly Client[] = ['undici request()', 'undici fetch()', 'global fetch()'];

async function call(
  client: Client,
  path: string,
): Promise<Dispatcher.ResponseData | UndiciResponse | Response> {
  const url = `${server.url}${path}`;
  if (client === 'undici request()') return request(url, { dispatcher: agent });
  if (client === 'undici fetch()') return undiciFetch(url, { dispatcher: agent });
  return fetch(url);
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe.each(clients)('ensureOk with %s', (client) => {
  it('returns the same response for a 200, body unread', async () => {
    const response = await call(client, '/ok');
    const returned = await ensureOk(response);
    expect(returned).toBe(response);
    const text = 'statusCode' in returned ? await returned.body.text() : await returned.text();
    expect(text).toBe('hello');
  });

  it.each([
    ['/missing', 404, 'HTTP 404 Not Found: {"message":"no such model"}'],
    ['/throttled', 429, 'HTTP 429 Too Many Requests: {"message":"Too many requests"}'],
    ['/unavailable', 503, 'HTTP 503 Service Unavailable'],
    ['/teapot-binary', 418, "HTTP 418 I'm a Teapot"],
  ])('throws an HttpError for %s', async (path, status, message) => {
    const error = await rejection(ensureOk(await call(client, path)));
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
    expect(error.name).toBe('HttpError');
  });

  it('keeps the headers with lower-case names, so Retry-After is honoured', async () => {
    const error = await rejection(ensureOk(await call(client, '/throttled')));
    expect(error.headers).toMatchObject({
      'retry-after': '2',
      'x-amzn-errortype': 'ThrottlingException',
      'content-type': 'application/json',
      'set-cookie': 'a=1, b=2',
    });
    expect(Object.keys(error.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(readRetryAfter(error, Date.now())).toBe(2000);
  });

  it('quotes at most 1 KiB of a long error body', async () => {
    const error = await rejection(ensureOk(await call(client, '/long-error')));
    expect(error.message.startsWith('HTTP 400 Bad Request: word word')).toBe(true);
    expect(error.message.endsWith('…')).toBe(true);
    expect(error.message).not.toContain('end');
    expect(error.message.length).toBeLessThan(1100);
  });
});

describe('ensureOk frees the connection', () => {
  // One connection, no pipelining. undici buffers a small body by itself, but a body larger than
  // the stream's high-water mark holds the socket until it is consumed: then the next request on
  // the pool waits for ever, unless ensureOk drained or cancelled the body.
  let pool: Pool;

  beforeEach(() => {
    pool = new Pool(server.url, { connections: 1 });
  });

  afterEach(async () => {
    await pool.destroy();
  });

  it.each([
    ['a small error body', '/throttled'],
    ['a 100 KiB error body (drained)', '/large-error'],
    ['a 100 KiB binary error body (drained, not quoted)', '/large-binary-error'],
    ['a 300 KiB error body (past the dump() limit, so the socket is closed)', '/huge-error'],
  ])('after request() with %s', async (_what, path) => {
    await expect(ensureOk(await pool.request({ path, method: 'GET' }))).rejects.toBeInstanceOf(
      HttpError,
    );
    const next = await settlesWithin(pool.request({ path: '/ok', method: 'GET' }), 1000);
    expect(await next.body.text()).toBe('hello');
  });

  it('keeps the connection alive when the error body is drained', async () => {
    await expect(
      ensureOk(await pool.request({ path: '/large-error', method: 'GET' })),
    ).rejects.toBeInstanceOf(HttpError);
    await (await settlesWithin(pool.request({ path: '/ok', method: 'GET' }), 1000)).body.dump();
    const [failed] = server.requests('/large-error').slice(-1);
    const [next] = server.requests('/ok').slice(-1);
    expect(next.remotePort).toBe(failed.remotePort);
  });

  it.each([
    ['a small error body', '/throttled'],
    ['a 100 KiB error body', '/large-error'],
    ['a 300 KiB error body', '/huge-error'],
    ['a 100 KiB binary error body', '/large-binary-error'],
  ])('after fetch() with %s', async (_what, path) => {
    const failed = await undiciFetch(`${server.url}${path}`, { dispatcher: pool });
    await expect(ensureOk(failed)).rejects.toBeInstanceOf(HttpError);
    const next = await settlesWithin(undiciFetch(`${server.url}/ok`, { dispatcher: pool }), 1000);
    expect(await next.text()).toBe('hello');
  });

  it('is needed: without it, the next request() after a large body never starts (control)', async () => {
    const failed = await pool.request({ path: '/huge-error', method: 'GET' });
    expect(failed.statusCode).toBe(500);
    const next = pool.request({ path: '/ok', method: 'GET' });
    expect(await stillPendingAfter(next, 80)).toBe(true);
  });

  it('is needed: without it, the next fetch() after a large body never starts (control)', async () => {
    const failed = await undiciFetch(`${server.url}/huge-error`, { dispatcher: pool });
    expect(failed.status).toBe(500);
    const next = undiciFetch(`${server.url}/ok`, { dispatcher: pool });
    expect(await stillPendingAfter(next, 80)).toBe(true);
  });
});

/** `promise`, or a failure naming the cause if it is still waiting for the pool's only connection. */
async function settlesWithin<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`still waiting after ${milliseconds} ms: the connection was not freed`)),
      milliseconds,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `promise` is still unsettled after `milliseconds`; its later rejection (pool.destroy()) is handled. */
async function stillPendingAfter(
  promise: Promise<unknown>,
  milliseconds: number,
): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  return !settled;
}

describe('ensureOk input checks', () => {
  it.each([
    ['null', null],
    ['a string', 'HTTP 200'],
    ['an empty object', {}],
    ['a response body instead of a response', { text: () => Promise.resolve('') }],
    ['a status without headers', { status: 200, body: null }],
    ['a statusCode without a body', { statusCode: 200, headers: {} }],
  ])('throws a TypeError for %s', async (_what, value) => {
    await expect(ensureOk(value as unknown as Response)).rejects.toThrow(
      /ensureOk\(\) expects an undici request\(\) result .* or a fetch Response; got/,
    );
    await expect(ensureOk(value as unknown as Response)).rejects.toBeInstanceOf(TypeError);
  });

  it('keeps the static type of what it is given', async () => {
    const response = await request(`${server.url}/ok`, { dispatcher: agent });
    const returned: Dispatcher.ResponseData = await ensureOk(response);
    expect(returned.statusCode).toBe(200);
    await returned.body.dump();
  });
});
