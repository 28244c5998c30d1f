import type http from 'node:http';
import type http2 from 'node:http2';

/** One request/response pair, the same shape over HTTP/1.1 and over HTTP/2's compatibility API. */
export interface Exchange {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: AsyncIterable<Buffer>;
  response: ResponseSink;
  /** Fires when the response finished or the peer went away. */
  onClose(listener: () => void): void;
  disconnect(): void;
  /** Reset the HTTP/2 stream with this error code; over HTTP/1.1, drop the connection. */
  resetStream(code: number): void;
}

export interface ResponseSink {
  readonly headersSent: boolean;
  writeHead(status: number, headers: http.OutgoingHttpHeaders): unknown;
  write(chunk: Uint8Array): unknown;
  end(): unknown;
  end(chunk: Uint8Array): unknown;
}

export function http1Exchange(
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Exchange {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request,
    response,
    onClose: (listener) => response.once('close', listener),
    disconnect: () => request.socket.destroy(),
    resetStream: () => request.socket.destroy(),
  };
}

export function http2Exchange(
  request: http2.Http2ServerRequest,
  response: http2.Http2ServerResponse,
): Exchange {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request,
    response,
    onClose: (listener) => response.once('close', listener),
    // The compatibility socket refuses destroy(); ending the session is the HTTP/2 connection drop.
    disconnect: () => request.stream.session?.destroy(),
    resetStream: (code) => request.stream.close(code),
  };
}
