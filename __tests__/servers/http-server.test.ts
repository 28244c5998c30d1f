import { Agent, request } from 'undici';
import {
  findClosedPort,
  startHttpServer,
  type ScriptedHttpServer,
} from '../../examples/servers/http-server';

let server: ScriptedHttpServer;
let agent: Agent;

beforeEach(async () => {
  server = await startHttpServer();
  agent = new Agent();
});

afterEach(async () => {
  await agent.destroy();
  await server.close();
});

async function get(
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const response = await request(`${server.url}${path}`, { dispatcher: agent });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
}

describe('startHttpServer', () => {
  it('listens on 127.0.0.1 on a random port', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('plays a script in order, then repeats the last step', async () => {
    server.script('/flaky', [
      { status: 503 },
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: { ok: true } },
    ]);
    const statuses: number[] = [];
    for (let call = 0; call < 5; call += 1) statuses.push((await get('/flaky')).status);
    expect(statuses).toEqual([503, 429, 200, 200, 200]);
  });

  it('sends headers, and encodes bodies by type', async () => {
    server.script('/json', [{ status: 429, headers: { 'retry-after': '2' }, body: { ok: false } }]);
    server.script('/text', [{ body: 'hello' }]);
    server.script('/typed', [{ body: '<a/>', headers: { 'Content-Type': 'application/xml' } }]);
    const json = await get('/json');
    expect(json).toMatchObject({ status: 429, text: '{"ok":false}' });
    expect(json.headers).toMatchObject({ 'retry-after': '2', 'content-type': 'application/json' });
    expect((await get('/text')).headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((await get('/typed')).headers['content-type']).toBe('application/xml');
  });

  it('answers 404 on a path without a script, and matches paths without the query string', async () => {
    server.script('/known', [{ body: 'yes' }]);
    expect((await get('/unknown')).status).toBe(404);
    expect(await get('/known?page=2')).toMatchObject({ status: 200, text: 'yes' });
  });

  it('records what it received', async () => {
    server.script('/submit', [{ status: 201 }]);
    await request(`${server.url}/submit?draft=1`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'key-1' },
      body: '{"amount":5}',
    }).then((response) => response.body.dump());
    await get('/submit');
    await get('/elsewhere');

    const submitted = server.requests('/submit');
    expect(submitted).toHaveLength(2);
    expect(submitted[0]).toMatchObject({
      method: 'POST',
      path: '/submit',
      url: '/submit?draft=1',
      body: '{"amount":5}',
      sequence: 1,
    });
    expect(submitted[0].headers['idempotency-key']).toBe('key-1');
    expect(submitted[1]).toMatchObject({ method: 'GET', body: '', sequence: 2 });
    expect(server.requests().map((received) => received.path)).toEqual([
      '/submit',
      '/submit',
      '/elsewhere',
    ]);
  });

  it('computes a step from the request when the step is a function', async () => {
    server.script('/echo', [(received) => ({ body: `call ${received.sequence}` })]);
    expect((await get('/echo')).text).toBe('call 1');
    expect((await get('/echo')).text).toBe('call 2');
  });

  it('forgets scripts and requests on reset()', async () => {
    server.script('/once', [{ status: 204 }]);
    await get('/once');
    server.reset();
    expect(server.requests()).toEqual([]);
    expect((await get('/once')).status).toBe(404);
  });

  it('delays a reply by delayMs', async () => {
    server.script('/slow', [{ delayMs: 40, body: 'late' }]);
    const started = performance.now();
    expect((await get('/slow')).text).toBe('late');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('destroys the socket after reading the request body with resetAfterBody', async () => {
    server.script('/reset', [{ resetAfterBody: true }]);
    await expect(
      request(`${server.url}/reset`, { dispatcher: agent, method: 'POST', body: 'payload' }),
    ).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(server.requests('/reset')[0].body).toBe('payload');
  });

  it('destroys the socket after hangMs', async () => {
    server.script('/hang', [{ hangMs: 30 }]);
    await expect(get('/hang')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('sends headers and part of the body, then resets, with bodyEnd reset', async () => {
    server.script('/cut', [{ body: 'first part', bodyEnd: 'reset' }]);
    const response = await request(`${server.url}/cut`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('sends headers and part of the body, then nothing, with bodyEnd stall', async () => {
    server.script('/stall', [{ body: 'partial', bodyEnd: 'stall' }]);
    const response = await request(`${server.url}/stall`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    const chunks: string[] = [];
    response.body.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const ended = new Promise((resolve, reject) => {
      response.body.on('end', resolve);
      response.body.on('error', reject);
    });
    await waitFor(() => chunks.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(chunks).toEqual(['partial']);
    expect(response.body.readableEnded).toBe(false);
    await server.close();
    await expect(ended).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('closes promptly while a request hangs, failing that request', async () => {
    server.script('/hang', [{ hangMs: 5000 }]);
    const pending = get('/hang');
    const outcome = pending.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await waitFor(() => server.requests('/hang').length === 1);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await outcome).toBe('UND_ERR_SOCKET');
  });
});

describe('findClosedPort', () => {
  it('returns a port that refuses connections', async () => {
    const port = await findClosedPort();
    await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: agent })).rejects.toMatchObject(
      {
        code: 'ECONNREFUSED',
      },
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const giveUpAt = performance.now() + 1000;
  while (!condition() && performance.now() < giveUpAt) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (!condition()) throw new Error('condition not met');
}
