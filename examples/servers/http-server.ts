/**
 * A scriptable HTTP server on 127.0.0.1 for tests, examples and the demo: each path plays a list of
 * responses in order, and every request it receives is recorded.
 *
 *   const server = await startHttpServer();
 *   server.script('/flaky', [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { body: { ok: true } }]);
 *   await fetch(`${server.url}/flaky`);   // 503, then 429, then 200 for every later request
 *   server.requests('/flaky').length;      // how many calls the server saw
 *   await server.close();
 *
 * Its timers come from `node:timers`, which jest's fake timers do not replace: like a remote server,
 * it keeps real time while a test fakes the client's clock. With `{ timers: 'global' }` it uses the
 * global timers instead, so that a test's fake clock drives its scripted delays as well.
 */
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
  type OutgoingHttpHeaders,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { holdRequest } from './requests-on-hold';

/** One scripted reply. With no field set it is an empty `200`. */
export interface ScriptedResponse {
  /** Default 200. */
  readonly status?: number;
  readonly headers?: OutgoingHttpHeaders;
  /**
   * A string (sent as text/plain) or bytes (application/octet-stream) are sent as they are; any
   * other value is sent as JSON. A `content-type` in `headers` wins.
   */
  readonly body?: unknown;
  /** Wait this long before sending anything, then reply normally (a slow server). */
  readonly delayMs?: number;
  /**
   * Send nothing for this long, then destroy the socket: the client sees a hang (a headers timeout
   * if it has one) and then a reset. `close()` ends the hang at once.
   */
  readonly hangMs?: number;
  /** Read the whole request body, then destroy the socket without replying (ECONNRESET / "other side closed"). */
  readonly resetAfterBody?: boolean;
  /**
   * Send the status, headers and `body`, then instead of ending the response either stop sending
   * (`'stall'`, a body timeout) or destroy the socket (`'reset'`, a failure mid-stream).
   */
  readonly bodyEnd?: 'stall' | 'reset';
}

/** A step of a script: a fixed reply, or one computed from the request. */
export type ScriptStep = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

/** A request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string; what scripts are keyed by. */
  readonly path: string;
  /** The path with the query string. */
  readonly url: string;
  /** Lower-case names, as Node parses them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The request body decoded as UTF-8 ('' when there was none). */
  readonly body: string;
  /** 1 for the first request to this path, 2 for the second, and so on. */
  readonly sequence: number;
  /** The client's port: equal for two requests when the client reused its connection. */
  readonly remotePort: number;
}

export interface ScriptedHttpServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /**
   * Replace the script of `path` (exact match, query string ignored). Steps are used in order and
   * the last one repeats. A path without a script answers 404.
   */
  script(path: string, steps: readonly ScriptStep[]): void;
  /** Requests received, oldest first: for one path, or for all paths. */
  requests(path?: string): readonly RecordedRequest[];
  /**
   * Requests whose client closed the connection before the reply was sent in full (an aborted
   * request), oldest first: for one path, or for all paths.
   */
  abandoned(path?: string): readonly RecordedRequest[];
  /** Forget every script and every recorded request. */
  reset(): void;
  /** Stop listening, destroy every open socket (hanging requests included) and clear all timers. */
  close(): Promise<void>;
}

interface Script {
  readonly steps: readonly ScriptStep[];
  next: number;
}

const unscripted: ScriptedResponse = { status: 404, body: 'no script for this path' };

export interface HttpServerOptions {
  /** 'real' (the default): `node:timers`, real time. 'global': the global (fakeable) timers. */
  readonly timers?: 'real' | 'global';
}

export async function startHttpServer(
  options: HttpServerOptions = {},
): Promise<ScriptedHttpServer> {
  // Looked up at each use: a test may install its fake timers after the server started.
  const setTimer = (action: () => void, delayMs: number): NodeJS.Timeout =>
    options.timers === 'global'
      ? globalThis.setTimeout(action, delayMs)
      : setTimeout(action, delayMs);
  const clearTimer = (timer: NodeJS.Timeout): void =>
    options.timers === 'global' ? globalThis.clearTimeout(timer) : clearTimeout(timer);
  const scripts = new Map<string, Script>();
  const recorded: RecordedRequest[] = [];
  const abandoned: RecordedRequest[] = [];
  let closing = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (delayMs: number, action: () => void): void => {
    const timer = setTimer(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  };

  const nextStep = (path: string): ScriptStep => {
    const script = scripts.get(path);
    if (script === undefined || script.steps.length === 0) return unscripted;
    const step = script.steps[Math.min(script.next, script.steps.length - 1)];
    script.next += 1;
    return step;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const url = request.url ?? '/';
    const path = url.split('?', 1)[0];
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      url,
      headers: { ...request.headers },
      body,
      sequence: recorded.filter((previous) => previous.path === path).length + 1,
      remotePort: request.socket.remotePort ?? 0,
    };
    recorded.push(record);
    response.once('close', () => {
      if (!response.writableFinished && !closing) abandoned.push(record);
    });
    const step = nextStep(path);
    const reply = typeof step === 'function' ? step(record) : step;
    const socket = request.socket;
    if (reply.resetAfterBody === true) {
      socket.destroy();
    } else if (reply.hangMs !== undefined) {
      const release = holdRequest();
      response.once('close', release);
      later(reply.hangMs, () => {
        release();
        socket.destroy();
      });
    } else if (reply.delayMs !== undefined && reply.delayMs > 0) {
      const release = holdRequest();
      response.once('close', release);
      later(reply.delayMs, () => {
        release();
        send(response, reply);
      });
    } else {
      send(response, reply);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    script(path, steps) {
      scripts.set(path, { steps: [...steps], next: 0 });
    },
    requests(path) {
      return path === undefined
        ? [...recorded]
        : recorded.filter((request) => request.path === path);
    },
    abandoned(path) {
      return path === undefined
        ? [...abandoned]
        : abandoned.filter((request) => request.path === path);
    },
    reset() {
      scripts.clear();
      recorded.length = 0;
      abandoned.length = 0;
    },
    close() {
      closing = true;
      for (const timer of timers) clearTimer(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): connections are refused. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: ScriptedResponse): void {
  if (response.destroyed) return;
  const { bytes, contentType } = encodeBody(reply.body);
  const headers: OutgoingHttpHeaders = { ...reply.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (contentType !== undefined && !hasContentType) headers['content-type'] = contentType;
  if (reply.bodyEnd === undefined) headers['content-length'] = bytes.length;
  response.writeHead(reply.status ?? 200, headers);
  if (reply.bodyEnd === undefined) {
    response.end(bytes);
    return;
  }
  // Flush what there is so the client sees headers (and the first bytes) before the failure;
  // the reset waits for the write callback, or destroying the socket could discard them.
  response.flushHeaders();
  const socket = response.socket;
  if (bytes.length > 0) {
    response.write(bytes, () => {
      if (reply.bodyEnd === 'reset') socket?.destroy();
    });
  } else if (reply.bodyEnd === 'reset') {
    socket?.write('', () => socket.destroy());
  }
}

function encodeBody(body: unknown): { bytes: Uint8Array; contentType: string | undefined } {
  if (body === undefined) return { bytes: new Uint8Array(0), contentType: undefined };
  if (typeof body === 'string') {
    return { bytes: Buffer.from(body, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  }
  if (body instanceof Uint8Array) return { bytes: body, contentType: 'application/octet-stream' };
  return { bytes: Buffer.from(JSON.stringify(body), 'utf8'), contentType: 'application/json' };
}
