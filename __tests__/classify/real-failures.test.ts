import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, errors, fetch as undiciFetch, interceptors, request } from 'undici';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';
import { isRateLimitError } from '../../src/classify/rate-limit';
import { closedPort, rejectionOf } from './error-fixtures';

const { RETRYABLE, NON_RETRYABLE, TIMEOUT, NETWORK } = ErrorCategory;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function bedrockClient(endpoint: string, http1: boolean): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

describe('real connection failures against a closed port', () => {
  let url: string;
  beforeAll(async () => {
    url = `http://127.0.0.1:${await closedPort()}/`;
  });

  it.each<[string, () => Promise<unknown>]>([
    ['undici request()', () => request(url)],
    ['undici fetch()', () => undiciFetch(url)],
    ["Node's global fetch()", () => fetch(url)],
  ])('%s: NETWORK, before processing, not a rate limit', async (_label, call) => {
    const error = await rejectionOf(call);
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(true);
    expect(isRateLimitError(error)).toBe(false);
  });

  // Outside jest: in its sandbox the SDK cannot see Node's errors as `Error`s (another realm) and
  // swaps them for a bare wrapper, which production never does. See the script's comment.
  it('BedrockRuntimeClient over HTTP/2 (ERR_HTTP2_STREAM_CANCEL caused by ECONNREFUSED) and HTTP/1.1', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'bedrock-refused-connection.script.ts'),
      ],
      {
        cwd: join(__dirname, '..', '..'),
        env: {
          ...process.env,
          NODE_NO_WARNINGS: '1',
          TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: '.' }),
        },
        timeout: 20_000,
      },
    );
    expect(JSON.parse(stdout)).toEqual({
      http2: {
        code: 'ERR_HTTP2_STREAM_CANCEL',
        causeCode: 'ECONNREFUSED',
        category: NETWORK,
        beforeProcessing: true,
      },
      http1: { code: 'ECONNREFUSED', category: NETWORK, beforeProcessing: true },
    });
  }, 30_000);
});

describe('real failures from live local servers', () => {
  const servers: Server[] = [];
  const agents: Agent[] = [];

  async function serve(
    handler: (request: IncomingMessage, response: ServerResponse) => void,
  ): Promise<string> {
    const server = createHttpServer(handler);
    servers.push(server);
    return listen(server);
  }

  function agent(options: ConstructorParameters<typeof Agent>[0] = {}): Agent {
    const created = new Agent(options);
    agents.push(created);
    return created;
  }

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((created) => created.destroy()));
    for (const server of servers.splice(0)) {
      if (server instanceof HttpServer) server.closeAllConnections();
      server.close();
    }
  });

  it('a server that answers with garbage: HTTPParserError, NON_RETRYABLE', async () => {
    const server = createNetServer((socket) => socket.end('garbage\r\n\r\n'));
    servers.push(server);
    const url = await listen(server);
    const error = await rejectionOf(() => request(url, { dispatcher: agent() }));
    expect(error).toBeInstanceOf(errors.HTTPParserError);
    expect(classifyError(error)).toBe(NON_RETRYABLE);
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });

  it('a server that drops the connection mid-request: SocketError, NETWORK, maybe processed', async () => {
    const url = await serve((incoming) => incoming.socket.destroy());
    const error = await rejectionOf(() => request(url, { dispatcher: agent() }));
    expect(error).toBeInstanceOf(errors.SocketError);
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });

  // undici's headers and body timeouts run on a coarse (~1 s) clock, too slow for a unit test; the
  // error classes themselves are covered in classify-error.test.ts.
  it("a body cut off under fetch: TypeError('terminated') caused by SocketError, NETWORK", async () => {
    const url = await serve((incoming, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      response.write('partial', () => incoming.socket.destroy());
    });
    const response = await undiciFetch(url, { dispatcher: agent() });
    const error = await rejectionOf(() => response.text());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('terminated');
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });

  it.each<[number, ErrorCategory, boolean, boolean]>([
    [503, RETRYABLE, true, false],
    [429, RETRYABLE, true, true],
    [502, RETRYABLE, false, false],
    [404, NON_RETRYABLE, false, false],
  ])(
    'interceptors.responseError() with status %i',
    async (status, category, beforeProcessing, rateLimit) => {
      const url = await serve((_incoming, response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end('{"message":"no"}');
      });
      const dispatcher = agent().compose(interceptors.responseError());
      const error = await rejectionOf(() => request(url, { dispatcher }));
      expect(error).toBeInstanceOf(errors.ResponseError);
      expect(classifyError(error)).toBe(category);
      expect(isFailureBeforeProcessing(error)).toBe(beforeProcessing);
      expect(isRateLimitError(error)).toBe(rateLimit);
    },
  );

  it.each<[number, ErrorCategory, boolean, boolean]>([
    [429, RETRYABLE, true, true],
    [503, RETRYABLE, true, false],
    [500, RETRYABLE, false, false],
    [408, TIMEOUT, false, false],
  ])(
    'interceptors.retry() giving up on status %i: RequestRetryError, by status, Retry-After kept',
    async (status, category, beforeProcessing, rateLimit) => {
      const url = await serve((_incoming, response) => {
        response.writeHead(status, { 'retry-after': '4' });
        response.end();
      });
      const dispatcher = agent().compose(
        interceptors.retry({
          maxRetries: 1,
          minTimeout: 1,
          maxTimeout: 1,
          retryAfter: false,
          statusCodes: [status],
        }),
      );
      const error = await rejectionOf(() => request(url, { dispatcher }));
      expect(error).toBeInstanceOf(errors.RequestRetryError);
      expect(classifyError(error)).toBe(category);
      expect(isFailureBeforeProcessing(error)).toBe(beforeProcessing);
      expect(isRateLimitError(error)).toBe(rateLimit);
      expect(readRetryAfter(error, Date.now())).toBe(4_000);
    },
  );

  it.each<[string, () => Agent, (url: string, dispatcher: Agent) => Promise<unknown>, string]>([
    [
      'HeadersOverflowError',
      () => agent({ maxHeaderSize: 1_024 }),
      (url, dispatcher) => request(`${url}/long-header`, { dispatcher }),
      'UND_ERR_HEADERS_OVERFLOW',
    ],
    [
      'ResponseExceededMaxSizeError',
      () => agent({ maxResponseSize: 1_024 }),
      async (url, dispatcher) => (await request(`${url}/large`, { dispatcher })).body.text(),
      'UND_ERR_RES_EXCEEDED_MAX_SIZE',
    ],
    [
      'InvalidArgumentError (throwOnError was removed in undici 7)',
      () => agent(),
      (url, dispatcher) =>
        request(url, { dispatcher, throwOnError: true } as Parameters<typeof request>[1]),
      'UND_ERR_INVALID_ARG',
    ],
    [
      'ClientDestroyedError',
      () => {
        const destroyed = agent();
        void destroyed.destroy();
        return destroyed;
      },
      (url, dispatcher) => request(url, { dispatcher }),
      'UND_ERR_DESTROYED',
    ],
  ])('%s: NON_RETRYABLE', async (_label, makeAgent, call, code) => {
    const url = await serve((incoming, response) => {
      if (incoming.url === '/long-header') response.setHeader('x-long', 'a'.repeat(4_096));
      response.end(incoming.url === '/large' ? Buffer.alloc(4_096) : 'ok');
    });
    const error = await rejectionOf(() => call(url, makeAgent()));
    expect(error).toMatchObject({ code });
    expect(classifyError(error)).toBe(NON_RETRYABLE);
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });

  it.each<[string, (url: string, signal: AbortSignal) => Promise<unknown>]>([
    ['request()', (url, signal) => request(url, { dispatcher: agent(), signal })],
    ['fetch()', (url, signal) => undiciFetch(url, { dispatcher: agent(), signal })],
  ])(
    '%s under AbortSignal.timeout(): the DOMException TimeoutError itself, TIMEOUT',
    async (_label, call) => {
      const url = await serve(() => undefined);
      const error = await rejectionOf(() => call(url, AbortSignal.timeout(10)));
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
      expect(classifyError(error)).toBe(TIMEOUT);
      expect(isFailureBeforeProcessing(error)).toBe(false);
    },
  );

  it('a request aborted by its caller: NON_RETRYABLE', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const pending = rejectionOf(() =>
      request(url, { dispatcher: agent(), signal: controller.signal }),
    );
    controller.abort();
    const error = await pending;
    expect(classifyError(error)).toBe(NON_RETRYABLE);
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });

  it('a fetch aborted by its caller: DOMException AbortError, NON_RETRYABLE', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const pending = rejectionOf(() =>
      undiciFetch(url, { dispatcher: agent(), signal: controller.signal }),
    );
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(DOMException);
    expect(classifyError(error)).toBe(NON_RETRYABLE);
  });

  describe('Bedrock Runtime over NodeHttpHandler', () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const frame = (headers: Record<string, string>, body: unknown): Uint8Array =>
      codec.encode({
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, value]) => [name, { type: 'string', value }]),
        ),
        body: fromUtf8(JSON.stringify(body)),
      });

    async function bedrockError(
      handler: (request: IncomingMessage, response: ServerResponse) => void,
      send: (client: BedrockRuntimeClient) => Promise<unknown>,
    ): Promise<unknown> {
      const client = bedrockClient(await serve(handler), true);
      try {
        return await rejectionOf(() => send(client));
      } finally {
        client.destroy();
      }
    }

    const invoke = (client: BedrockRuntimeClient): Promise<unknown> =>
      client.send(new InvokeModelCommand({ modelId: 'model', body: '{}' }));

    it('a 429 ThrottlingException from send(): RETRYABLE and a rate limit', async () => {
      const error = await bedrockError((_incoming, response) => {
        response.writeHead(429, {
          'x-amzn-errortype': 'ThrottlingException',
          'content-type': 'application/json',
        });
        response.end('{"message":"Too many requests"}');
      }, invoke);
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(classifyError(error)).toBe(RETRYABLE);
      expect(isRateLimitError(error)).toBe(true);
      expect(isFailureBeforeProcessing(error)).toBe(true);
    });

    it('an HTML 502 page (body not JSON): RETRYABLE by its status', async () => {
      const error = await bedrockError((_incoming, response) => {
        response.writeHead(502, { 'content-type': 'text/html' });
        response.end('<html><body>Bad Gateway</body></html>');
      }, invoke);
      expect(error).toMatchObject({ name: 'SyntaxError', $metadata: { httpStatusCode: 502 } });
      expect(classifyError(error)).toBe(RETRYABLE);
      expect(isFailureBeforeProcessing(error)).toBe(false);
    });

    it('an empty 503: RETRYABLE and before processing', async () => {
      const error = await bedrockError((_incoming, response) => {
        response.writeHead(503);
        response.end();
      }, invoke);
      expect(error).toMatchObject({ name: 'Unknown', $metadata: { httpStatusCode: 503 } });
      expect(classifyError(error)).toBe(RETRYABLE);
      expect(isFailureBeforeProcessing(error)).toBe(true);
    });

    it('a ThrottlingException after the first stream event (no $metadata): RETRYABLE and a rate limit', async () => {
      const error = await bedrockError(
        (_incoming, response) => {
          response.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
          response.write(
            frame(
              {
                ':message-type': 'event',
                ':event-type': 'chunk',
                ':content-type': 'application/json',
              },
              { bytes: Buffer.from('{"text":"hi"}').toString('base64') },
            ),
          );
          response.end(
            frame(
              {
                ':message-type': 'exception',
                ':exception-type': 'throttlingException',
                ':content-type': 'application/json',
              },
              { message: 'slow down' },
            ),
          );
        },
        async (client) => {
          const output = await client.send(
            new InvokeModelWithResponseStreamCommand({ modelId: 'model', body: '{}' }),
          );
          for await (const event of output.body ?? []) expect(event.chunk).toBeDefined();
        },
      );
      expect(error).toBeInstanceOf(ThrottlingException);
      expect((error as ThrottlingException).$metadata).toBeUndefined();
      expect(classifyError(error)).toBe(RETRYABLE);
      expect(isRateLimitError(error)).toBe(true);
    });
  });
});

describe('abort reasons', () => {
  it('AbortSignal.timeout(1) reason: DOMException TimeoutError, TIMEOUT', async () => {
    const signal = AbortSignal.timeout(1);
    await once(signal, 'abort');
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(classifyError(signal.reason)).toBe(TIMEOUT);
    expect(isFailureBeforeProcessing(signal.reason)).toBe(false);
  });

  it('new AbortController().abort() reason: DOMException AbortError, NON_RETRYABLE', () => {
    const controller = new AbortController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect(classifyError(controller.signal.reason)).toBe(NON_RETRYABLE);
  });

  it('abort(reason) hands back the reason itself, which is classified as it is', () => {
    const controller = new AbortController();
    controller.abort(new Error('Rate limit exceeded'));
    expect(classifyError(controller.signal.reason)).toBe(RETRYABLE);
  });
});
