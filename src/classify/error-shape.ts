import { prototypeChain } from '../policy/prototype-chain';

/**
 * Safe reads of what was thrown. Anything can be thrown (a string, a frozen object, a Proxy, an object
 * whose getters throw), and the classifier must never throw itself, so every property read goes
 * through `readProperty`.
 */

/**
 * Reads `target[key]`; `undefined` when `target` is not an object, the read throws, or the value
 * comes from Object.prototype. Values from a class (an Error subclass's `name`, a Response's
 * `headers` getter) count; a key someone put on Object.prototype (`Object.prototype.status = 503`)
 * does not.
 */
export function readProperty(target: unknown, key: string): unknown {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
    return undefined;
  }
  try {
    const value = (target as Record<string, unknown>)[key];
    return value !== undefined && isFromObjectPrototype(target, key) ? undefined : value;
  } catch {
    return undefined;
  }
}

function isFromObjectPrototype(target: object, key: string): boolean {
  // The common case costs one lookup: Object.prototype has no such key at all.
  if (!Object.hasOwn(Object.prototype, key)) return false;
  // A chain a Proxy makes endless throws, which `readProperty` takes as an unreadable key.
  for (const current of prototypeChain(target)) {
    if (Object.hasOwn(current, key)) return current === Object.prototype;
  }
  return false;
}

export function readString(target: unknown, key: string): string | undefined {
  const value = readProperty(target, key);
  return typeof value === 'string' ? value : undefined;
}

/** The `name` of an error (inherited names, as on Error subclasses, count). */
export function readName(error: unknown): string | undefined {
  return readString(error, 'name');
}

/** Only string codes: DOMException's numeric `code` (20 for AbortError) means nothing here. */
export function readCode(error: unknown): string | undefined {
  return readString(error, 'code');
}

/** The message of an error; a thrown string is its own message. */
export function readMessage(error: unknown): string | undefined {
  return typeof error === 'string' ? error : readString(error, 'message');
}

/**
 * The HTTP status carried by an error, wherever the library put it: `status` (fetch-style, HttpError),
 * `statusCode` (undici), `$metadata.httpStatusCode` (AWS SDK v3), `response.status` /
 * `response.statusCode` (axios, got), `$response.statusCode` (the SDK's raw response).
 */
export function readHttpStatus(error: object): number | undefined {
  return (
    asHttpStatus(readProperty(error, 'status')) ??
    asHttpStatus(readProperty(error, 'statusCode')) ??
    asHttpStatus(readProperty(readProperty(error, '$metadata'), 'httpStatusCode')) ??
    asHttpStatus(readProperty(readProperty(error, 'response'), 'status')) ??
    asHttpStatus(readProperty(readProperty(error, 'response'), 'statusCode')) ??
    asHttpStatus(readProperty(readProperty(error, '$response'), 'statusCode'))
  );
}

function asHttpStatus(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
    ? value
    : undefined;
}

/** How many `cause` / `errors` links below the thrown error are looked at. */
export const MAX_CHAIN_DEPTH = 8;
/** How many errors are looked at in all, so a huge `errors` array cannot make classification slow. */
export const MAX_CHAIN_NODES = 64;

interface PendingNode {
  readonly node: unknown;
  readonly depth: number;
}

/**
 * Visits `error`, then its `cause` and the members of an `errors` array (AggregateError), depth first,
 * and returns the first answer `inspect` gives (anything but `undefined`). Bounded in depth and in
 * count, and each object is visited once, so cyclic or very long chains end.
 */
export function findInErrorChain<T>(
  error: unknown,
  inspect: (node: unknown) => T | undefined,
): T | undefined {
  const visited = new Set<unknown>();
  const pending: PendingNode[] = [{ node: error, depth: 0 }];
  for (
    let next = pending.pop();
    next !== undefined && visited.size < MAX_CHAIN_NODES;
    next = pending.pop()
  ) {
    const { node, depth } = next;
    if (node === undefined || node === null || visited.has(node)) continue;
    visited.add(node);
    const answer = inspect(node);
    if (answer !== undefined) return answer;
    if (depth >= MAX_CHAIN_DEPTH) continue;
    const children = readChildren(node);
    // Pushed in reverse so that `cause` and then `errors[0]` are visited first.
    for (let index = children.length - 1; index >= 0; index -= 1) {
      pending.push({ node: children[index], depth: depth + 1 });
    }
  }
  return undefined;
}

function readChildren(node: unknown): unknown[] {
  const children: unknown[] = [];
  const cause = readProperty(node, 'cause');
  if (cause !== undefined && cause !== null) children.push(cause);
  const errors = readProperty(node, 'errors');
  if (isArraySafely(errors)) {
    const length = Math.min(readArrayLength(errors), MAX_CHAIN_NODES);
    for (let index = 0; index < length; index += 1) {
      children.push(readProperty(errors, String(index)));
    }
  }
  return children;
}

function isArraySafely(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    // Array.isArray throws on a revoked Proxy.
    return false;
  }
}

function readArrayLength(array: unknown[]): number {
  const length = readProperty(array, 'length');
  return typeof length === 'number' && Number.isInteger(length) && length > 0 ? length : 0;
}
