/**
 * Reading the wait a server asked for (`Retry-After` and its vendor variants) from an error or a
 * response, without knowing which HTTP client produced it.
 */

import { readProperty } from '../classify/error-shape';

/** Header names in order of preference: the millisecond forms are more precise than `retry-after`. */
const millisecondHeaders = ['retry-after-ms', 'x-amz-retry-after'] as const;

const nonNegativeNumber = /^\d+(?:\.\d+)?$/;
// All three HTTP-date forms (IMF-fixdate, RFC 850, asctime) start with a day name and carry a time.
// Date.parse alone is far too lenient: it reads "1" or "abc 2020" as dates.
const httpDateShape = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s.*\d{1,2}:\d{2}:\d{2}/i;
const hasTimeZone = /\b(?:gmt|utc)\b|[+-]\d{4}$/i;
// The first of HTTP-dates joined with ", ": IMF-fixdate and RFC 850 have one comma, right after the
// day name; asctime has none. Date.parse would read the whole list as one (wrong) date, or NaN.
// No two adjacent parts match the same characters, so a long value cannot make it backtrack.
const firstDateOfList = /^((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*[,\s][^,]*),\s/i;

/**
 * The wait in milliseconds requested by the headers of `source`, or `undefined` when there is none
 * or it cannot be read. Looks at `source.headers`, `source.response.headers` and
 * `source.$response.headers` (the AWS SDK's raw response), each a plain object or a WHATWG `Headers`.
 * Understands `retry-after-ms` (ms), `x-amz-retry-after` (ms) and `retry-after` (seconds or an
 * HTTP-date, measured from `now`; a date in the past gives 0). Never throws. Not clamped: the caller
 * applies `maxDelay`.
 */
export function readRetryAfter(source: unknown, now: number): number | undefined {
  try {
    if (typeof source !== 'object' || source === null) return undefined;
    for (const headers of headerBags(source)) {
      const wait = readFromHeaders(headers, now);
      if (wait !== undefined) return wait;
    }
  } catch {
    // A throwing getter or a hostile proxy means there is no usable hint.
  }
  return undefined;
}

function* headerBags(source: object): Generator<object> {
  const own = property(source, 'headers');
  if (typeof own === 'object' && own !== null) yield own;
  for (const responseKey of ['response', '$response']) {
    const response = property(source, responseKey);
    if (typeof response !== 'object' || response === null) continue;
    const headers = property(response, 'headers');
    if (typeof headers === 'object' && headers !== null) yield headers;
  }
}

function readFromHeaders(headers: object, now: number): number | undefined {
  for (const name of millisecondHeaders) {
    const value = headerValue(headers, name);
    if (value !== undefined && nonNegativeNumber.test(value)) return Math.ceil(Number(value));
  }
  const retryAfter = headerValue(headers, 'retry-after');
  return retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, now);
}

/** `Retry-After: <delta-seconds>` or `Retry-After: <HTTP-date>`, in milliseconds from `now`. */
function parseRetryAfter(value: string, now: number): number | undefined {
  // Scaled in the string, not by `* 1000`: 259.004 * 1000 is 259004.00000000003, and ceil would add 1 ms.
  if (nonNegativeNumber.test(value)) return Math.ceil(Number(`${value}e3`));
  if (!httpDateShape.test(value)) return undefined;
  // asctime dates have no zone, and HTTP dates are always GMT; V8 would read them as local time.
  const time = Date.parse(hasTimeZone.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(time)) return undefined;
  return Math.max(0, time - now);
}

/** A header's first value as a trimmed string, looked up case-insensitively. */
function headerValue(headers: object, lowerCaseName: string): string | undefined {
  const get = property(headers, 'get');
  const raw =
    typeof get === 'function'
      ? get.call(headers, lowerCaseName)
      : plainObjectValue(headers, lowerCaseName);
  const first: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (typeof first === 'string') {
    const trimmed = first.trim();
    // A header sent twice arrives joined ("5, 5") from fetch's Headers.get and from ensureOk; take
    // the first number. An HTTP-date's comma ("Wed, 21 Oct ...") follows a day name, and "1,5" (no
    // space) may be a decimal comma: neither is a list.
    const firstOfList = /^(\d+(?:\.\d+)?)\s*,\s/.exec(trimmed) ?? firstDateOfList.exec(trimmed);
    if (firstOfList) return firstOfList[1];
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof first === 'number' && Number.isFinite(first)) return String(first);
  return undefined;
}

/** A plain header bag is read by its own keys only: nothing inherited is a header. */
function plainObjectValue(headers: object, lowerCaseName: string): unknown {
  if (Object.hasOwn(headers, lowerCaseName)) return property(headers, lowerCaseName);
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lowerCaseName) return property(headers, key);
  }
  return undefined;
}

/** Properties of errors, responses and `Headers` may come from their class, not from Object.prototype. */
function property(target: object, key: string): unknown {
  return readProperty(target, key);
}
