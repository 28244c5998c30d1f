/**
 * An HTTP response with an error status, turned into an error by the caller (or by `ensureOk`).
 * Classified by `status`; a `retry-after` header is honoured.
 */
export class HttpError extends Error {
  readonly status: number;
  /** Response headers with lower-case names. */
  readonly headers: Record<string, string>;

  constructor(status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = lowerCaseKeys(headers);
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers)) result[name.toLowerCase()] = headers[name];
  return result;
}
