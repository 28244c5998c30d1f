/**
 * `tenacious/undici`: turn an HTTP error status into a thrown `HttpError`, so that the retry
 * policy sees it. undici's `request()` and `fetch()` resolve on every status; call
 * `await ensureOk(response)` inside the retried function.
 *
 * Works by shape: there is no runtime import of undici, so a fetch `Response` from Node's global
 * `fetch` works as well as one from undici.
 */
import { STATUS_CODES } from 'node:http';
import { headerRecordFrom, HttpError } from './classify/http-error';

export { HttpError } from './classify/http-error';

/** What undici's `request()` resolves with (`Dispatcher.ResponseData`), as far as `ensureOk` needs. */
export interface UndiciResponseLike {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: {
    /** Reads and discards the rest of the body, so the connection can be reused. */
    dump(options?: { signal?: AbortSignal }): Promise<unknown>;
    /** Ends the body at once; undici then closes the connection. */
    destroy?(): unknown;
    /** A Node `Readable`'s event API; used to keep the start of an error body for the message. */
    on?(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
    off?(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  };
}

/** A WHATWG `fetch` `Response`, as far as `ensureOk` needs. */
export interface FetchResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: {
    get(name: string): string | null;
    forEach(callback: (value: string, name: string) => void): void;
  };
  readonly body: ReadableStream<Uint8Array> | null;
}

/** How much of an error body goes into the error message: enough for a JSON error, bounded. */
const maxBodyBytesInMessage = 1024;

/**
 * How long, in ms, `ensureOk` waits for an error body before it gives up on it: the status and
 * headers are known already, and a server that trickles its body must not hold the caller (or the
 * retry) back. A body that has not ended by then is destroyed (undici `request()`) or cancelled
 * (`fetch`), which closes its connection. An ordinary error body arrives with its headers.
 */
export const errorBodyTimeLimit = 100;

// Only bodies a human can read are worth quoting; binary ones (event streams, images) are not.
const readableContentType = /^text\/|json|xml|x-www-form-urlencoded/i;

/**
 * Returns `response` unchanged when its status is below 400. Otherwise releases the connection
 * (undici: `body.dump()`; fetch: the body stream is cancelled) and throws an `HttpError` with the
 * status and the response headers (lower-case names, so `retry-after` is found and honoured). The
 * message names the status and quotes up to 1 KiB of a textual error body. It waits for the body
 * at most `errorBodyTimeLimit` ms, then destroys or cancels what is left of it.
 */
export async function ensureOk<T extends UndiciResponseLike | FetchResponseLike>(
  response: T,
): Promise<T> {
  if (isUndiciResponse(response)) {
    if (response.statusCode < 400) return response;
    throw await undiciHttpError(response);
  }
  if (isFetchResponse(response)) {
    if (response.status < 400) return response;
    throw await fetchHttpError(response);
  }
  throw new TypeError(
    `ensureOk() expects an undici request() result ({ statusCode, headers, body }) or a fetch Response; got ${describeShape(response)}`,
  );
}

async function undiciHttpError(response: UndiciResponseLike): Promise<HttpError> {
  const headers = headerRecordFrom(response.headers);
  const body = response.body;
  const collector = new BodyPrefix();
  const listener = (chunk: Uint8Array): void => collector.add(chunk);
  const quote =
    wantsQuote(headers['content-type']) &&
    typeof body.on === 'function' &&
    typeof body.off === 'function';
  // Listening alongside dump() copies the first bytes while dump() drains the body in one pass;
  // dump() destroys the socket itself when the body is too large to be worth draining.
  if (quote) body.on?.('data', listener);
  const controller = new AbortController();
  try {
    // dump() destroys the body when its signal aborts; destroy() too, for a shape without signals.
    const timedOut = await withinErrorBodyTimeLimit(
      body.dump({ signal: controller.signal }),
      () => {
        controller.abort();
        body.destroy?.();
      },
    );
    // dump() resolves however the body closed: a Readable that did not end (time limit, dropped
    // connection, too large to drain) was cut, and the quote must not look like all of it.
    if (timedOut || (body as { readableEnded?: unknown }).readableEnded === false) {
      collector.markTruncated();
    }
  } catch {
    // Freeing the connection is best effort: the HTTP error is what the caller must see.
  } finally {
    if (quote) body.off?.('data', listener);
  }
  return new HttpError(
    response.statusCode,
    headers,
    message(response.statusCode, undefined, collector.text()),
  );
}

async function fetchHttpError(response: FetchResponseLike): Promise<HttpError> {
  const headers = headerRecordFrom(response.headers);
  const collector = new BodyPrefix();
  const body = response.body;
  if (body !== null) {
    try {
      if (body.locked) {
        // Someone else is reading it; nothing we may do with it.
      } else if (wantsQuote(headers['content-type'])) {
        await readPrefixThenCancel(
          body,
          collector,
          Number(headers['content-length'] ?? Number.NaN),
        );
      } else {
        await withinErrorBodyTimeLimit(body.cancel(), () => undefined);
      }
    } catch {
      // As above: best effort.
    }
  }
  return new HttpError(
    response.status,
    headers,
    message(response.status, response.statusText, collector.text()),
  );
}

/** Reads until the prefix is full or the body ends; cancels whatever is left (freeing the socket). */
async function readPrefixThenCancel(
  body: ReadableStream<Uint8Array>,
  collector: BodyPrefix,
  declaredLength: number,
): Promise<void> {
  const reader = body.getReader();
  let ended = false;
  const readPrefix = async (): Promise<void> => {
    while (!collector.full) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      collector.add(value);
    }
  };
  const timedOut = await withinErrorBodyTimeLimit(readPrefix(), () => undefined);
  if (ended) {
    reader.releaseLock();
    return;
  }
  // Reading on to learn whether more follows could wait on a stalled body; unless the declared
  // length says the prefix is all of it, assume it was cut.
  if (timedOut || declaredLength !== collector.size) collector.markTruncated();
  // Cancelling ends the pending read too; its promise is not awaited, as a hostile stream could
  // keep it waiting.
  reader.cancel().catch(ignore);
}

function ignore(): void {}

/**
 * Waits for `work` at most `errorBodyTimeLimit` ms; past that calls `onTimeout` and stops waiting.
 * Resolves with whether the time ran out; a rejection of `work` is ignored (freeing a connection is
 * best effort), as is one that comes after the time ran out.
 */
function withinErrorBodyTimeLimit(work: Promise<unknown>, onTimeout: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        onTimeout();
      } finally {
        resolve(true);
      }
    }, errorBodyTimeLimit);
    const finish = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    work.then(finish, finish);
  });
}

/** The first `maxBodyBytesInMessage` bytes of a body, and whether there was more. */
class BodyPrefix {
  private readonly chunks: Uint8Array[] = [];
  private truncated = false;
  size = 0;

  get full(): boolean {
    return this.size >= maxBodyBytesInMessage;
  }

  markTruncated(): void {
    this.truncated = true;
  }

  add(chunk: Uint8Array): void {
    if (this.full) {
      this.truncated = true;
      return;
    }
    const room = maxBodyBytesInMessage - this.size;
    if (chunk.byteLength > room) this.truncated = true;
    const kept = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.byteLength;
  }

  text(): string {
    if (this.size === 0) return '';
    const bytes = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const text = new TextDecoder().decode(bytes).replace(/\s+/g, ' ').trim();
    return this.truncated && text !== '' ? `${text}…` : text;
  }
}

function wantsQuote(contentType: string | undefined): boolean {
  return contentType !== undefined && readableContentType.test(contentType);
}

function message(status: number, statusText: string | undefined, bodyText: string): string {
  const reason = STATUS_CODES[status] ?? statusText ?? '';
  const head = reason === '' ? `HTTP ${status}` : `HTTP ${status} ${reason}`;
  return bodyText === '' ? head : `${head}: ${bodyText}`;
}

function isUndiciResponse(value: unknown): value is UndiciResponseLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof UndiciResponseLike, unknown>>;
  return (
    typeof candidate.statusCode === 'number' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null &&
    typeof candidate.body === 'object' &&
    candidate.body !== null &&
    typeof (candidate.body as { dump?: unknown }).dump === 'function'
  );
}

function isFetchResponse(value: unknown): value is FetchResponseLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof FetchResponseLike, unknown>>;
  return (
    typeof candidate.status === 'number' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null &&
    typeof (candidate.headers as { forEach?: unknown }).forEach === 'function' &&
    typeof (candidate.headers as { get?: unknown }).get === 'function' &&
    'body' in candidate
  );
}

function describeShape(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const keys = Object.keys(value).slice(0, 5).join(', ');
  const name =
    typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'object';
  return `${name} { ${keys} }`;
}
