/**
 * An HTTP response with an error status, turned into an error by the caller (or by `ensureOk`).
 * Classified by `status`; a `retry-after` header is honoured.
 */
export class HttpError extends Error {
  readonly status: number;
  /**
   * Response headers with lower-case names, in a record without a prototype: a header named
   * `constructor` or `__proto__` is plain data like any other.
   */
  readonly headers: Record<string, string>;

  constructor(status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = lowerCaseKeys(headers);
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result = createHeaderRecord();
  for (const name of Object.keys(headers)) result[name.toLowerCase()] = headers[name];
  return result;
}

/**
 * An empty record for header values. Without a prototype, `record.constructor` is undefined until a
 * header of that name is set, and setting `__proto__` makes an own property instead of swapping the
 * prototype (the setter lives on Object.prototype).
 */
export function createHeaderRecord(): Record<string, string> {
  // Not Object.create(null): V8 keeps this one in fast mode, so reading headers stays cheap.
  return Object.setPrototypeOf({}, null) as Record<string, string>;
}
