import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { ensureOk, HttpError } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';

// readRetryAfter on what real clients hand back, and in another time zone: these need a server or
// a child process, so they live apart from the unit tests in retry-after.test.ts.
const now = Date.UTC(2025, 0, 1, 0, 0, 0);
const execFileAsync = promisify(execFile);

describe('readRetryAfter in another time zone', () => {
  it('reads an asctime date as GMT whatever the local time zone', async () => {
    // The time zone is fixed when a process starts (jest's process.env is a copy), hence a child process.
    const script = `
      const { readRetryAfter } = require('./src/backoff/retry-after');
      process.stdout.write(String(readRetryAfter({ headers: { 'retry-after': 'Wed Jan  1 00:00:05 2025' } }, ${now})));
    `;
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, TZ: 'America/New_York' },
      },
    );
    expect(stdout).toBe('5000');
  }, 15000);
});

describe('readRetryAfter on real responses', () => {
  let server: ScriptedHttpServer;
  let agent: Agent;

  beforeAll(async () => {
    server = await startHttpServer();
    agent = new Agent();
    server.script('/seconds', [{ status: 429, headers: { 'Retry-After': '2' } }]);
    server.script('/amz', [{ status: 503, headers: { 'x-amz-retry-after': '750' } }]);
    server.script('/ms', [
      { status: 429, headers: { 'retry-after-ms': '125', 'retry-after': '1' } },
    ]);
    // A server that sends its HTTP-date Retry-After twice (an array under this spelling of the name).
    server.script('/date-twice', [
      {
        status: 503,
        headers: {
          'Retry-After': ['Wed, 01 Jan 2025 00:00:05 GMT', 'Wed, 01 Jan 2025 00:00:05 GMT'],
        },
      },
    ]);
  });

  afterAll(async () => {
    await agent.destroy();
    await server.close();
  });

  it.each([
    ['/seconds', 2000],
    ['/amz', 750],
    ['/ms', 125],
  ])('reads %s from an undici request() result', async (path, expected) => {
    const response = await request(`${server.url}${path}`, { dispatcher: agent });
    await response.body.dump();
    expect(readRetryAfter(response, now)).toBe(expected);
    expect(readRetryAfter({ response }, now)).toBe(expected);
  });

  it.each([
    ['/seconds', 2000],
    ['/amz', 750],
    ['/ms', 125],
  ])('reads %s from an undici fetch Response', async (path, expected) => {
    const response = await undiciFetch(`${server.url}${path}`, { dispatcher: agent });
    await response.body?.cancel();
    expect(readRetryAfter(response, now)).toBe(expected);
    expect(readRetryAfter({ response }, now)).toBe(expected);
  });

  it('reads an HTTP-date sent twice from a fetch Response and from ensureOk', async () => {
    const fetched = await undiciFetch(`${server.url}/date-twice`, { dispatcher: agent });
    await fetched.body?.cancel();
    expect(readRetryAfter(fetched, now)).toBe(5000);
    const requested = await request(`${server.url}/date-twice`, { dispatcher: agent });
    const error: unknown = await ensureOk(requested).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HttpError);
    expect(readRetryAfter(error, now)).toBe(5000);
  });

  it('reads Node’s global fetch Response', async () => {
    const response = await fetch(`${server.url}/seconds`);
    await response.arrayBuffer();
    expect(response.headers).toBeInstanceOf(Headers);
    expect(readRetryAfter(response, now)).toBe(2000);
  });
});
