import { ErrorCategory } from './error-category';

const { NETWORK, TIMEOUT, NON_RETRYABLE } = ErrorCategory;

/** Node system error codes (libuv, `dns`) and Node's own connect timeout. */
const nodeSystemCodes: ReadonlyMap<string, ErrorCategory> = new Map([
  ['ECONNREFUSED', NETWORK],
  ['ENOTFOUND', NETWORK],
  ['EAI_AGAIN', NETWORK],
  ['ECONNRESET', NETWORK],
  ['EPIPE', NETWORK],
  ['ECONNABORTED', NETWORK],
  ['ENETUNREACH', NETWORK],
  ['EHOSTUNREACH', NETWORK],
  ['ENETDOWN', NETWORK],
  ['EHOSTDOWN', NETWORK],
  ['ETIMEDOUT', TIMEOUT],
  // `net.connect` with autoSelectFamily: every address attempt timed out.
  ['ERR_SOCKET_CONNECTION_TIMEOUT', TIMEOUT],
]);

/** Node's HTTP/2 client (`node:http2`), the AWS SDK's default transport. */
const nodeHttp2Codes: ReadonlyMap<string, ErrorCategory> = new Map([
  // The server reset the stream (RST_STREAM); like ECONNRESET, it may come after the work was done.
  ['ERR_HTTP2_STREAM_ERROR', NETWORK],
  // A new stream refused on a session going away (GOAWAY) or destroyed: nothing was sent.
  ['ERR_HTTP2_GOAWAY_SESSION', NETWORK],
  ['ERR_HTTP2_INVALID_SESSION', NETWORK],
]);

/** undici 7 (lib/core/errors.js). UND_ERR_RESPONSE and UND_ERR_REQ_RETRY are absent: they go by status. */
const undiciCodes: ReadonlyMap<string, ErrorCategory> = new Map([
  ['UND_ERR_CONNECT_TIMEOUT', TIMEOUT],
  ['UND_ERR_HEADERS_TIMEOUT', TIMEOUT],
  ['UND_ERR_BODY_TIMEOUT', TIMEOUT],
  ['UND_ERR_SOCKET', NETWORK],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', NETWORK],
  ['UND_ERR_PRX_TLS', NETWORK],
  ['UND_ERR_SOCKS5', NETWORK],
  // Mistakes in the request or in the client's state: the same call fails the same way again.
  ['UND_ERR', NON_RETRYABLE],
  ['UND_ERR_INVALID_ARG', NON_RETRYABLE],
  ['UND_ERR_INVALID_RETURN_VALUE', NON_RETRYABLE],
  ['UND_ERR_NOT_SUPPORTED', NON_RETRYABLE],
  ['UND_ERR_HEADERS_OVERFLOW', NON_RETRYABLE],
  ['UND_ERR_RES_EXCEEDED_MAX_SIZE', NON_RETRYABLE],
  ['UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', NON_RETRYABLE],
  ['UND_ERR_DESTROYED', NON_RETRYABLE],
  ['UND_ERR_CLOSED', NON_RETRYABLE],
  ['UND_ERR_BPL_MISSING_UPSTREAM', NON_RETRYABLE],
  ['UND_ERR_MAX_ORIGINS_REACHED', NON_RETRYABLE],
  ['UND_ERR_WS_MESSAGE_SIZE_EXCEEDED', NON_RETRYABLE],
]);

/** Codes of a caller's abort: undici's AbortError / RequestAbortedError and Node's AbortError. */
const abortCodes: ReadonlySet<string> = new Set(['UND_ERR_ABORT', 'UND_ERR_ABORTED', 'ABORT_ERR']);

/** undici errors that carry the HTTP status they are about (`statusCode`); classified by it. */
const statusCarryingCodes: ReadonlySet<string> = new Set(['UND_ERR_RESPONSE', 'UND_ERR_REQ_RETRY']);

export function isAbortCode(code: string): boolean {
  return abortCodes.has(code);
}

export function isStatusCarryingCode(code: string): boolean {
  return statusCarryingCodes.has(code);
}

/** The category of a Node or undici error code, or `undefined` when the code is not known. */
export function categorizeErrorCode(code: string): ErrorCategory | undefined {
  const known = nodeSystemCodes.get(code) ?? nodeHttp2Codes.get(code) ?? undiciCodes.get(code);
  if (known !== undefined) return known;
  // llhttp rejected the response bytes: a broken server, not a passing fault.
  if (code.startsWith('HPE_')) return NON_RETRYABLE;
  // A SOCKS5 proxy's reply (UND_ERR_SOCKS5_REPLY_<n>): it could not reach the target.
  if (code.startsWith('UND_ERR_SOCKS5_REPLY_')) return NETWORK;
  // Other SOCKS5 failures are protocol or authentication mismatches with the proxy.
  if (code.startsWith('UND_ERR_SOCKS5_')) return NON_RETRYABLE;
  return undefined;
}
