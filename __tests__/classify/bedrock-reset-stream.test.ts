import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withRetry } from '../../src';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';

// The AWS SDK's default transport (NodeHttp2Handler) rejects with Node's own HTTP/2 errors. A stream
// the server resets is ERR_HTTP2_STREAM_ERROR, "Stream closed with error code NGHTTP2_<CODE>": like
// ECONNRESET over HTTP/1.1 it may come after the work was done, except REFUSED_STREAM, which RFC 9113
// (section 8.7) says was not processed. A new stream on a session going away (GOAWAY) or destroyed
// is refused by Node before anything is sent.

const { NETWORK, NON_RETRYABLE } = ErrorCategory;

/** A stream reset the way Node reports it, with the message that names the code. */
function streamError(codeName: string): Error {
  return Object.assign(new Error(`Stream closed with error code ${codeName}`), {
    code: 'ERR_HTTP2_STREAM_ERROR',
  });
}

describe('a reset HTTP/2 stream (ERR_HTTP2_STREAM_ERROR)', () => {
  it.each<[string, string, boolean]>([
    ['REFUSED_STREAM: not processed', 'NGHTTP2_REFUSED_STREAM', true],
    ['INTERNAL_ERROR: maybe processed', 'NGHTTP2_INTERNAL_ERROR', false],
    ['CANCEL: maybe processed', 'NGHTTP2_CANCEL', false],
  ])('%s: NETWORK', (_label, codeName, beforeProcessing) => {
    const error = streamError(codeName);
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(beforeProcessing);
  });

  it('the message is read for ERR_HTTP2_STREAM_ERROR alone', () => {
    const reset = Object.assign(new Error('Stream closed with error code NGHTTP2_REFUSED_STREAM'), {
      code: 'ECONNRESET',
    });
    const codeless = new Error('Stream closed with error code NGHTTP2_REFUSED_STREAM');
    expect(isFailureBeforeProcessing(reset)).toBe(false);
    expect(classifyError(codeless)).toBe(NON_RETRYABLE);
    expect(isFailureBeforeProcessing(codeless)).toBe(false);
  });

  it('a refused stream is retried by a call that must not run twice; another reset is not', async () => {
    const attempts = { refused: 0, internal: 0 };
    const refusedOnce = withRetry(
      async () => {
        attempts.refused += 1;
        if (attempts.refused === 1) throw streamError('NGHTTP2_REFUSED_STREAM');
        return 'charged once';
      },
      { idempotent: false, initialDelay: 0, maxDelay: 0 },
    );
    const resetOnce = withRetry(
      async () => {
        attempts.internal += 1;
        throw streamError('NGHTTP2_INTERNAL_ERROR');
      },
      { idempotent: false, initialDelay: 0, maxDelay: 0 },
    );
    await expect(refusedOnce).resolves.toBe('charged once');
    await expect(resetOnce).rejects.toMatchObject({ code: 'ERR_HTTP2_STREAM_ERROR' });
    expect(attempts).toEqual({ refused: 2, internal: 1 });
  });
});

describe('a new stream on a session going away or destroyed, as node:http2 refuses it', () => {
  let server: http2.Http2Server;
  let url: string;
  const sessions: http2.ClientHttp2Session[] = [];

  beforeAll(async () => {
    server = http2.createServer();
    server.on('stream', () => undefined);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const session of sessions.splice(0)) session.destroy();
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function connect(): http2.ClientHttp2Session {
    const session = http2.connect(url);
    session.on('error', () => undefined);
    sessions.push(session);
    return session;
  }

  /** The error a new stream gets: thrown by `request()` up to Node 22, on the stream from Node 24. */
  async function refusalOf(session: http2.ClientHttp2Session): Promise<unknown> {
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({ ':path': '/' });
    } catch (error) {
      return error;
    }
    const [error] = (await once(stream, 'error')) as [unknown];
    return error;
  }

  it('ERR_HTTP2_GOAWAY_SESSION (closing, a stream still open): NETWORK, before processing', async () => {
    const session = connect();
    session.request({ ':path': '/' }).on('error', () => undefined);
    session.close();
    const error = await refusalOf(session);
    expect(error).toMatchObject({ code: 'ERR_HTTP2_GOAWAY_SESSION' });
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(true);
  });

  it('ERR_HTTP2_INVALID_SESSION (destroyed): NETWORK, before processing', async () => {
    const session = connect();
    session.destroy();
    const error = await refusalOf(session);
    expect(error).toMatchObject({ code: 'ERR_HTTP2_INVALID_SESSION' });
    expect(classifyError(error)).toBe(NETWORK);
    expect(isFailureBeforeProcessing(error)).toBe(true);
  });
});

// Outside jest: in its sandbox the SDK cannot see Node's errors as `Error`s (another realm) and
// swaps them for a bare wrapper with no code, which production never does. See the script.
describe('the real BedrockRuntimeClient over HTTP/2 when the server resets the stream', () => {
  it('REFUSED_STREAM: NETWORK, not processed, retried even under idempotent: false', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'bedrock-reset-stream.script.ts')],
      {
        cwd: join(__dirname, '..', '..'),
        env: {
          ...process.env,
          NODE_NO_WARNINGS: '1',
          TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: '.' }),
        },
        timeout: 30_000,
      },
    );
    const answered = { outcome: 'Hello from the local Bedrock.', requests: 2 };
    const sentOnce = { outcome: 'rejected: ERR_HTTP2_STREAM_ERROR', requests: 1 };
    expect(JSON.parse(stdout)).toEqual({
      refused: {
        code: 'ERR_HTTP2_STREAM_ERROR',
        message: 'Stream closed with error code NGHTTP2_REFUSED_STREAM',
        category: NETWORK,
        beforeProcessing: true,
      },
      'refused, ResilientBedrock, idempotent true': answered,
      'refused, ResilientBedrock, idempotent false': answered,
      'refused, a decorated wrapper class, idempotent true': answered,
      'refused, a decorated wrapper class, idempotent false': answered,
      internal: {
        code: 'ERR_HTTP2_STREAM_ERROR',
        message: 'Stream closed with error code NGHTTP2_INTERNAL_ERROR',
        category: NETWORK,
        beforeProcessing: false,
      },
      'internal, ResilientBedrock, idempotent true': answered,
      'internal, ResilientBedrock, idempotent false': sentOnce,
      'internal, a decorated wrapper class, idempotent true': answered,
      'internal, a decorated wrapper class, idempotent false': sentOnce,
    });
  }, 40_000);
});
