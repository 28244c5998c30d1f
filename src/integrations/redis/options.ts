import { randomUUID } from 'node:crypto';
import { describeValue } from '../../policy/describe-value';
import { mergeOwnKeys } from '../../policy/own-keys';
import { isPlainObject, readNumber } from '../../policies/option-snapshot';
import { isRedisClientLike, type RedisClientLike } from './client-adapter';

/** Options every fleet-wide policy takes besides its local class's own. */
export interface RedisConnectionOptions {
  /** An `ioredis` client or Cluster, or a connected `redis` (node-redis v4/v5) client or cluster. */
  client: RedisClientLike;
  /**
   * Names the shared state: instances that give the same `key` share one budget, one circuit or
   * one rate limiter.
   * Stored under `tenacious:{key}:...`: the braces are a hash tag, so a policy's keys share a slot
   * on Redis Cluster.
   */
  key: string;
  /**
   * How long, in ms, an exchange with Redis may take before the instance decides on its own
   * (until an exchange answers in time again). Calls never wait for Redis either way. A number
   * > 0 and <= 2147483647 (the longest timer Node keeps).
   * @default 50
   */
  redisTimeout?: number;
}

export interface ResolvedConnection {
  readonly client: RedisClientLike;
  readonly key: string;
  readonly redisTimeout: number;
  /** Tells this instance's counts from others' in the fleet's state. */
  readonly instance: string;
}

// setTimeout fires at once (with a TimeoutOverflowWarning) for anything longer, about 24.8 days.
const longestTimer = 2_147_483_647;

const connectionOptionNames = ['client', 'key', 'redisTimeout'] as const;

/**
 * Takes the connection options out of `options` (validated: a TypeError or RangeError naming the
 * option and the value) and returns them with the rest, for the local class's validation.
 */
export function splitConnectionOptions(
  options: unknown,
  source: string,
): { connection: ResolvedConnection; rest: Record<string, unknown> } {
  // A plain object, as the local classes' options must be.
  if (!isPlainObject(options)) {
    throw new TypeError(`${source}: expected an options object, got ${describeValue(options)}`);
  }
  // Without a prototype: a key planted on Object.prototype is read as not given, here and by the
  // classes that read `rest` (RedisBreaker's `quorum`).
  const rest = mergeOwnKeys<Record<string, unknown>>(options);
  const given: Record<string, unknown> = {};
  for (const name of connectionOptionNames) {
    given[name] = rest[name];
    delete rest[name];
  }
  if (!isRedisClientLike(given.client)) {
    throw new TypeError(
      `${source}: option "client" must be an ioredis or redis (node-redis) client, got ${describeValue(given.client)}`,
    );
  }
  if (typeof given.key !== 'string' || given.key.length === 0) {
    throw new TypeError(
      `${source}: option "key" must be a non-empty string, got ${describeValue(given.key)}`,
    );
  }
  const redisTimeout =
    given.redisTimeout === undefined
      ? 50
      : readNumber(source, 'redisTimeout', given.redisTimeout, {
          min: 0,
          exclusiveMin: true,
          max: longestTimer,
        });
  return {
    connection: {
      client: given.client,
      key: given.key,
      redisTimeout,
      instance: `${process.pid}:${randomUUID()}`,
    },
    rest,
  };
}
