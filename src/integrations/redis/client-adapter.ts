import { createHash } from 'node:crypto';

/**
 * An `ioredis` client (or Cluster), as far as the fleet-wide policies use it: `evalsha` and `eval`
 * with the number of keys, then the keys and the arguments.
 */
export interface IoredisLikeClient {
  evalsha(sha: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
  eval(script: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
}

/** A `redis` (node-redis v4 or v5) client (or cluster): `evalSha` and `eval` with `{ keys, arguments }`. */
export interface NodeRedisLikeClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The `client` option: either kind of client, told apart by its shape (no import of either). */
export type RedisClientLike = IoredisLikeClient | NodeRedisLikeClient;

/** A Lua script and its SHA-1, so that it is sent once per server and then called by its digest. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Runs one script with its keys and arguments; rejects with whatever the client rejects with. */
export type ScriptRunner = (script: LuaScript, keys: string[], args: string[]) => Promise<unknown>;

/** Whether `value` looks like a client this sub-path can use. */
export function isRedisClientLike(value: unknown): value is RedisClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    (typeof candidate.evalSha === 'function' || typeof candidate.evalsha === 'function') &&
    typeof candidate.eval === 'function'
  );
}

function isNoScriptError(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.includes('NOSCRIPT');
}

/**
 * A runner for either client: EVALSHA first, EVAL when the server does not know the script yet
 * (NOSCRIPT: a new or restarted server, a failover). A client method that throws synchronously
 * (a closed node-redis client does) becomes a rejection.
 */
export function scriptRunnerFor(client: RedisClientLike): ScriptRunner {
  if (typeof (client as NodeRedisLikeClient).evalSha === 'function') {
    const nodeRedis = client as NodeRedisLikeClient;
    return async (script, keys, args) => {
      const options = { keys, arguments: args };
      try {
        return await nodeRedis.evalSha(script.sha, options);
      } catch (error) {
        if (!isNoScriptError(error)) throw error;
        return await nodeRedis.eval(script.source, options);
      }
    };
  }
  const ioredis = client as IoredisLikeClient;
  return async (script, keys, args) => {
    try {
      return await ioredis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return await ioredis.eval(script.source, keys.length, ...keys, ...args);
    }
  };
}

/** What `runWithin` settles with: the reply, or why there is none. */
export type ExchangeResult =
  | { readonly ok: true; readonly reply: unknown }
  | { readonly ok: false; readonly timedOut: boolean; readonly error?: unknown };

/**
 * Runs a script, giving up on it after `timeout` ms. Never rejects: the fleet-wide policies decide
 * locally when Redis does not answer in time, and an error from the client is never user code's.
 * The timer is cleared as soon as the reply comes, and never holds the process open.
 */
export function runWithin(
  run: ScriptRunner,
  script: LuaScript,
  keys: string[],
  args: string[],
  timeout: number,
  lateReply?: (result: ExchangeResult) => void,
): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      resolve({ ok: false, timedOut: true });
    }, timeout);
    timer.unref();
    let pending: Promise<unknown>;
    try {
      pending = run(script, keys, args);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (reply) => {
        clearTimeout(timer);
        if (settled) lateReply?.({ ok: true, reply });
        else resolve({ ok: true, reply });
        settled = true;
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (settled) lateReply?.({ ok: false, timedOut: false, error });
        else resolve({ ok: false, timedOut: false, error });
        settled = true;
      },
    );
  });
}

/** A reply's element as a finite number; garbage is 0. Never throws. */
export function replyNumber(reply: unknown, index: number): number {
  if (!Array.isArray(reply)) return 0;
  let value: number;
  try {
    value = Number(reply[index]);
  } catch {
    // A Symbol, or an object whose conversion throws: read in a promise callback, where a throw
    // would be an unhandled rejection.
    return 0;
  }
  return Number.isFinite(value) ? value : 0;
}

/**
 * Elements `from` to `to` (excluded) of a script's reply, each a count, a wait or a flag: a finite
 * number >= 0, as a number or its text. Undefined if the reply is not that (garbage from a proxy
 * or a client's wrapper: no script of these writes anything else). Never throws.
 */
export function replyCounts(reply: unknown, from: number, to: number): number[] | undefined {
  if (!Array.isArray(reply) || reply.length < to) return undefined;
  const counts: number[] = [];
  for (let index = from; index < to; index++) {
    const element: unknown = reply[index];
    let value = Number.NaN;
    if (typeof element === 'number') value = element;
    else if (typeof element === 'string' || Buffer.isBuffer(element)) {
      // Number('') and Number(' ') are 0: text that holds no number is garbage.
      const text = element.toString().trim();
      if (text !== '') value = Number(text);
    }
    if (!Number.isFinite(value) || value < 0) return undefined;
    counts.push(value);
  }
  return counts;
}

/** A reply's element as text, as either client decodes a bulk string; anything else is ''. */
export function replyText(reply: unknown, index: number): string {
  if (!Array.isArray(reply)) return '';
  const element: unknown = reply[index];
  if (typeof element === 'string') return element;
  return Buffer.isBuffer(element) ? element.toString() : '';
}
