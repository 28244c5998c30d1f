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
    // A JavaScript caller may hand over the status as text (`'503'`): kept as the number it names,
    // which classification reads (it reads no status from a string).
    this.status =
      typeof status === 'string' && /^\s*\d+\s*$/.test(status) ? Number(status) : status;
    this.headers = headerRecordFrom(headers);
  }
}

/**
 * Response headers as `HttpError` keeps them: lower-case names, string values. Besides a record of
 * strings it takes what JavaScript callers hand over from their HTTP client: a `Headers` object
 * (or anything with `forEach(value, name)`), undici `request()` headers (an array value is joined
 * with ", ", a number is written out, an undefined value left out), or null for none. A `Headers`
 * object has no own keys: read as a record, it would lose its Retry-After.
 */
export function headerRecordFrom(headers: unknown): Record<string, string> {
  const result = createHeaderRecord();
  if (typeof headers !== 'object' || headers === null) return result;
  const add = (value: unknown, name: unknown): void => {
    if (value === undefined) return;
    const lowerCaseName = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    // Headers lists each set-cookie on its own; repeats are joined, as undici request() joins them.
    result[lowerCaseName] = Object.hasOwn(result, lowerCaseName)
      ? `${result[lowerCaseName]}, ${text}`
      : text;
  };
  const forEach: unknown = (headers as { forEach?: unknown }).forEach;
  if (typeof forEach === 'function' && !Array.isArray(headers)) {
    (forEach as (callback: (value: unknown, name: unknown) => void) => void).call(headers, add);
    return result;
  }
  const record = headers as Record<string, unknown>;
  for (const name of Object.keys(record)) add(record[name], name);
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
