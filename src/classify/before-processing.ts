import { isCallerAbort } from './caller-abort';
import { categorizeOneError, hasDefiniteSignal } from './categorize-one-error';
import {
  findInErrorChain,
  readCode,
  readHttpStatus,
  readMessage,
  readName,
  readString,
} from './error-shape';
import { showsRateLimit } from './rate-limit-signals';

/** Failures while connecting: the request was never sent. */
const beforeProcessingCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  // Node's net.connect with autoSelectFamily: every address attempt timed out before connecting.
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  // node:http2 refused a new stream on a session going away (GOAWAY) or destroyed.
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
]);

/**
 * Whether the error is known to have happened before the server processed the request, so that even
 * a call that must not run twice (`idempotent: false`) may be retried: a refused connection, a connect
 * timeout (undici's, Node's, the kernel's, the AWS SDK's), a DNS failure, an HTTP/2 stream refused
 * (REFUSED_STREAM, or a new stream on a session going away), HTTP 429 or 503, any rate limit
 * (throttled means rejected). A reset socket or stream, a broken pipe, a headers timeout, 500, 502
 * and 504 may come after the work was done: false.
 */
export function isFailureBeforeProcessing(error: unknown): boolean {
  try {
    return findInErrorChain(error, inspectForBeforeProcessing) ?? false;
  } catch {
    return false;
  }
}

function inspectForBeforeProcessing(error: unknown): boolean | undefined {
  if (isCallerAbort(error)) return false;
  const code = readCode(error);
  if (code !== undefined && beforeProcessingCodes.has(code)) return true;
  // The kernel gave up on `connect()`; an ETIMEDOUT of a connected socket (a read) may come late.
  if (code === 'ETIMEDOUT' && readString(error, 'syscall') === 'connect') return true;
  if (isAwsSdkConnectTimeout(error)) return true;
  if (code === 'ERR_HTTP2_STREAM_ERROR' && isRefusedStream(error)) return true;
  if (showsRateLimit(error, hasDefiniteSignal)) return true;
  if (typeof error === 'object' && error !== null) {
    const status = readHttpStatus(error);
    if (status === 429 || status === 503) return true;
  }
  // An error with a category of its own (ECONNRESET, a 500) settles it; an unknown wrapper
  // (`TypeError('fetch failed')`, the SDK's ERR_HTTP2_STREAM_CANCEL) is looked through.
  return categorizeOneError(error) === undefined ? undefined : false;
}

/**
 * The AWS SDK's NodeHttpHandler reports its connection timeout as a TimeoutError with no code, only
 * this message: "the request socket did not establish a connection with the server within ...".
 * The message is read only on such an error: a code or a status would say what happened instead.
 */
function isAwsSdkConnectTimeout(error: unknown): boolean {
  return (
    readName(error) === 'TimeoutError' &&
    readCode(error) === undefined &&
    (typeof error !== 'object' || error === null || readHttpStatus(error) === undefined) &&
    (readMessage(error) ?? '').includes('did not establish a connection')
  );
}

/**
 * RFC 9113 section 8.7: a stream the server reset with REFUSED_STREAM was not processed. Node names
 * the reset's code only in the message of its ERR_HTTP2_STREAM_ERROR ("Stream closed with error
 * code NGHTTP2_REFUSED_STREAM"); the message is read for that code alone.
 */
function isRefusedStream(error: unknown): boolean {
  return (readMessage(error) ?? '').endsWith(' NGHTTP2_REFUSED_STREAM');
}
