import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  encodeChunkFrame,
  encodeEventFrame,
  encodeExceptionFrame,
  eventStreamContentType,
} from './bedrock-event-stream';
import {
  statusOfException,
  streamExceptionType,
  type BedrockStreamExceptionName,
} from './bedrock-exceptions';
import {
  converseBody,
  converseStreamEvents,
  operationsOfKind,
  type BedrockOperation,
  type ChunkStreamReply,
  type ConverseStreamReply,
  type ScriptedResponse,
  type StreamFailure,
} from './bedrock-responses';
import { http1Exchange, http2Exchange, type Exchange, type ResponseSink } from './bedrock-exchange';
import { ResponseScript, type ScriptTarget } from './bedrock-script';
import { holdRequest } from './requests-on-hold';

/**
 * A local Bedrock Runtime for tests, examples and the demo: the real `BedrockRuntimeClient` talks to it
 * over HTTP/2 cleartext (the SDK's default transport) or HTTP/1.1 (a client with `NodeHttpHandler`).
 * Responses are scripted per request; every request is recorded.
 */

export type BedrockProtocol = 'http2' | 'http1';

export interface BedrockServerOptions {
  /** Default `'http2'`, what the SDK speaks unless given `requestHandler: new NodeHttpHandler()`. */
  protocol?: BedrockProtocol;
}

export interface RecordedRequest {
  operation: BedrockOperation;
  /** URL-decoded, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  modelId: string;
  /** The JSON body parsed, or the raw text when it is not JSON. */
  body: unknown;
  /** Lower-case names, HTTP/2 pseudo-headers left out. */
  headers: Record<string, string>;
  /** Parsed from `amz-sdk-request: attempt=1; max=3`, which the SDK sends on every attempt. */
  sdkRequest: { attempt: number; max: number } | undefined;
}

export type { BedrockOperation, ScriptedResponse, ScriptTarget };
export type {
  ChunkStreamReply,
  ConverseReply,
  ConverseStreamReply,
  DisconnectReply,
  ErrorReply,
  InvokeReply,
  RawReply,
  ResetStreamReply,
  StreamExceptionReply,
  StreamFailure,
  TokenUsage,
} from './bedrock-responses';
export { defaultReplyText, defaultResponses } from './bedrock-responses';
export {
  bedrockExceptionStatus,
  type BedrockExceptionName,
  type BedrockStreamExceptionName,
} from './bedrock-exceptions';
export { createLocalBedrockClient } from './bedrock-client';

interface Route {
  operation: BedrockOperation;
  modelId: string;
}

const operationByPathSuffix: Readonly<Record<string, BedrockOperation>> = {
  invoke: 'InvokeModel',
  converse: 'Converse',
  'invoke-with-response-stream': 'InvokeModelWithResponseStream',
  'converse-stream': 'ConverseStream',
};

const modelPath = /^\/model\/([^/]+)\/([a-z-]+)$/;

function route(method: string | undefined, url: string | undefined): Route | undefined {
  if (method !== 'POST' || url === undefined) return undefined;
  const match = modelPath.exec(url.split('?')[0]);
  const operation = match && operationByPathSuffix[match[2]];
  if (!match || !operation) return undefined;
  return { operation, modelId: decodeURIComponent(match[1]) };
}

export class LocalBedrockServer {
  readonly protocol: BedrockProtocol;
  readonly #server: http.Server | http2.Http2Server;
  readonly #script = new ResponseScript();
  readonly #requests: RecordedRequest[] = [];
  readonly #requestWaiters = new Set<{
    count: number;
    resolve: () => void;
    reject: (error: Error) => void;
  }>();
  readonly #openExchanges = new Set<AbortController>();
  readonly #http2Sessions = new Set<http2.ServerHttp2Session>();
  #requestIdCounter = 0;
  #abandoned = 0;
  #port = 0;
  #closed = false;

  constructor(protocol: BedrockProtocol) {
    this.protocol = protocol;
    if (protocol === 'http2') {
      const server = http2.createServer(
        (request, response) => void this.#handle(http2Exchange(request, response)),
      );
      server.on('session', (session) => {
        this.#http2Sessions.add(session);
        session.once('close', () => this.#http2Sessions.delete(session));
      });
      this.#server = server;
    } else {
      this.#server = http.createServer(
        (request, response) => void this.#handle(http1Exchange(request, response)),
      );
    }
  }

  /** @internal use startBedrockServer */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Still known after close(), so a test can aim a client at a port nobody listens on any more. */
  get port(): number {
    return this.#port;
  }

  /** For the client's `endpoint`. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Answer the next requests with these responses, once each, in order. */
  enqueue(target: ScriptTarget, ...responses: ScriptedResponse[]): this {
    this.#script.enqueue(target, responses);
    return this;
  }

  /** Answer with this response whenever the queues are empty (it repeats). */
  setDefault(target: ScriptTarget, response: ScriptedResponse): this {
    this.#script.setDefault(target, response);
    return this;
  }

  /** Requests whose client went away (closed the stream or the connection) before they were answered in full. */
  get abandonedCount(): number {
    return this.#abandoned;
  }

  requestCount(operation?: BedrockOperation): number {
    if (operation === undefined) return this.#requests.length;
    return this.#requests.filter((request) => request.operation === operation).length;
  }

  /** Resolves once `count` requests in total have arrived (before they are answered); rejects on close. */
  waitForRequests(count: number): Promise<void> {
    if (this.#requests.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.#requestWaiters.add({ count, resolve, reject }));
  }

  /** Forget the script and the request log. */
  reset(): void {
    this.#script.reset();
    this.#requests.length = 0;
  }

  /** Cancels pending delays, ends every connection (HTTP/2 sessions included) and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const exchange of this.#openExchanges) exchange.abort();
    for (const waiter of this.#requestWaiters) {
      waiter.reject(new Error('the local Bedrock server closed'));
    }
    this.#requestWaiters.clear();
    const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    if (this.#server instanceof http.Server) this.#server.closeAllConnections();
    const sessionsClosed = [...this.#http2Sessions].map((session) => {
      const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
      session.destroy();
      return closed;
    });
    await Promise.all([stopped, ...sessionsClosed]);
  }

  async #handle(exchange: Exchange): Promise<void> {
    const cancel = new AbortController();
    this.#openExchanges.add(cancel);
    let answered = false;
    exchange.onClose(() => {
      if (!answered && !this.#closed) this.#abandoned += 1;
      cancel.abort();
      this.#openExchanges.delete(cancel);
    });
    try {
      const target = route(exchange.method, exchange.url);
      const rawBody = await readBody(exchange.body);
      if (!target) {
        const message = `no Bedrock operation at ${exchange.method} ${exchange.url}`;
        sendError(
          exchange.response,
          404,
          'UnknownOperationException',
          this.#nextRequestId(),
          message,
        );
        return;
      }
      this.#record(target, rawBody, exchange.headers);
      const response = this.#script.next(target.operation);
      if (response.delayMs && !(await wait(response.delayMs, cancel.signal))) return;
      await this.#answer(target.operation, response, exchange, cancel.signal);
      answered = !cancel.signal.aborted;
    } catch (error) {
      // The peer went away mid-request, or a bug here: never let it become an unhandled rejection.
      if (!cancel.signal.aborted && !exchange.response.headersSent) {
        const message = `local Bedrock server failed: ${String(error)}`;
        sendError(exchange.response, 500, 'LocalServerFailure', this.#nextRequestId(), message);
      }
    }
  }

  #record(target: Route, rawBody: string, headers: http.IncomingHttpHeaders): void {
    const recordedHeaders = flattenHeaders(headers);
    this.#requests.push({
      operation: target.operation,
      modelId: target.modelId,
      body: parseJsonOrText(rawBody),
      headers: recordedHeaders,
      sdkRequest: parseSdkRequestHeader(recordedHeaders['amz-sdk-request']),
    });
    for (const waiter of this.#requestWaiters) {
      if (this.#requests.length >= waiter.count) {
        this.#requestWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  #nextRequestId(): string {
    this.#requestIdCounter += 1;
    return `local-request-${this.#requestIdCounter}`;
  }

  async #answer(
    operation: BedrockOperation,
    response: ScriptedResponse,
    exchange: Exchange,
    signal: AbortSignal,
  ): Promise<void> {
    const sink = exchange.response;
    const allowed = operationsOfKind[response.kind];
    if (allowed && !allowed.includes(operation)) {
      // A mistake in the script; make it loud rather than answer something plausible.
      const message = `local Bedrock script: a '${response.kind}' response cannot answer ${operation}`;
      sendError(sink, 500, 'LocalScriptMismatch', this.#nextRequestId(), message);
      return;
    }
    switch (response.kind) {
      case 'converse':
        sendJson(sink, 200, { 'x-amzn-requestid': this.#nextRequestId() }, converseBody(response));
        return;
      case 'invoke': {
        const { body, contentType = 'application/json' } = response;
        const bytes =
          typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        sendBytes(
          sink,
          200,
          { 'content-type': contentType, 'x-amzn-requestid': this.#nextRequestId() },
          bytes,
        );
        return;
      }
      case 'error': {
        const {
          exception,
          message = `${exception} from the local Bedrock`,
          retryAfterSeconds,
        } = response;
        const retryAfter: Record<string, string> =
          retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
        sendError(
          sink,
          statusOfException(exception),
          exception,
          response.requestId ?? this.#nextRequestId(),
          message,
          retryAfter,
        );
        return;
      }
      case 'raw':
        sendBytes(
          sink,
          response.status,
          { 'x-amzn-requestid': this.#nextRequestId(), ...response.headers },
          response.body ?? '',
        );
        return;
      case 'disconnect':
        exchange.disconnect();
        return;
      case 'reset-stream':
        exchange.resetStream(response.code);
        return;
      case 'stream-exception':
        this.#startStream(operation, sink);
        sink.end(exceptionFrame(response.exception, response.message));
        return;
      case 'chunks':
      case 'converse-stream':
        this.#startStream(operation, sink);
        await writeFrames(sink, dataFrames(response), response, signal);
        return;
    }
  }

  #startStream(operation: BedrockOperation, sink: ResponseSink): void {
    sink.writeHead(200, {
      'content-type': eventStreamContentType,
      'x-amzn-requestid': this.#nextRequestId(),
      // Real Bedrock names the model's payload type here; the SDK returns it as `contentType`.
      ...(operation === 'InvokeModelWithResponseStream'
        ? { 'x-amzn-bedrock-content-type': 'application/json' }
        : {}),
    });
  }
}

export async function startBedrockServer(
  options: BedrockServerOptions = {},
): Promise<LocalBedrockServer> {
  const server = new LocalBedrockServer(options.protocol ?? 'http2');
  await server.listen();
  return server;
}

function dataFrames(response: ChunkStreamReply | ConverseStreamReply): Uint8Array[] {
  if (response.kind === 'chunks') return response.chunks.map(encodeChunkFrame);
  return converseStreamEvents(response).map((event) =>
    encodeEventFrame(event.eventType, event.payload),
  );
}

function exceptionFrame(
  exception: BedrockStreamExceptionName,
  message: string | undefined,
): Uint8Array {
  return encodeExceptionFrame(
    streamExceptionType(exception),
    message ?? `${exception} from the local Bedrock`,
  );
}

async function writeFrames(
  sink: ResponseSink,
  frames: Uint8Array[],
  pacing: { eventDelayMs?: number; firstEventDelayMs?: number; failWith?: StreamFailure },
  signal: AbortSignal,
): Promise<void> {
  const failure = pacing.failWith;
  const dataCount = failure
    ? Math.min(failure.afterEvents ?? frames.length, frames.length)
    : frames.length;
  if (pacing.firstEventDelayMs && !(await wait(pacing.firstEventDelayMs, signal))) return;
  for (let index = 0; index < dataCount; index++) {
    if (index > 0 && pacing.eventDelayMs && !(await wait(pacing.eventDelayMs, signal))) return;
    sink.write(frames[index]);
  }
  if (failure) sink.end(exceptionFrame(failure.exception, failure.message));
  else sink.end();
}

/** How Bedrock (restJson1) reports an error: the SDK reads the exception name from `x-amzn-errortype`. */
function sendError(
  sink: ResponseSink,
  status: number,
  errorType: string,
  requestId: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    sink,
    status,
    { 'x-amzn-errortype': errorType, 'x-amzn-requestid': requestId, ...headers },
    { message },
  );
}

function sendJson(
  sink: ResponseSink,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  sendBytes(sink, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

function sendBytes(
  sink: ResponseSink,
  status: number,
  headers: Record<string, string>,
  body: string | Uint8Array,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  sink.writeHead(status, { ...headers, 'content-length': String(bytes.byteLength) });
  sink.end(bytes);
}

/** Resolves true after `ms`, or false at once when `signal` aborts; uses the global timers, so jest's fake timers drive it. */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  const release = holdRequest();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      release();
      resolve(true);
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      release();
      resolve(false);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseSdkRequestHeader(value: string | undefined): RecordedRequest['sdkRequest'] {
  const match = value && /attempt=(\d+);\s*max=(\d+)/.exec(value);
  return match ? { attempt: Number(match[1]), max: Number(match[2]) } : undefined;
}
