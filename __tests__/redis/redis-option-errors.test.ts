// An invalid option given to a fleet-wide class is refused with a message that names that class,
// not the local class it extends: the user wrote `new RedisRateLimiter(...)`, not
// `new RateLimiter(...)`. Refused before any exchange, so a client by shape is enough.
import { RetryBudget } from '../../src';
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';

const refusedByRedis = () => Promise.reject(new Error('no Redis in this test'));
const client = { evalsha: refusedByRedis, eval: refusedByRedis };

describe('fleet-wide classes name themselves in option errors', () => {
  it.each([
    [
      'RedisRetryBudget',
      () => new RedisRetryBudget({ client, key: 'k', ratio: -1 }),
      /^RedisRetryBudget: option "ratio" must be a finite number >= 0, got -1$/,
    ],
    [
      'RedisBreaker',
      () => new RedisBreaker({ client, key: 'k', failureRatio: 2 }),
      /^RedisBreaker: option "failureRatio" must be a finite number > 0 and <= 1, got 2$/,
    ],
    [
      'RedisRateLimiter',
      () => new RedisRateLimiter({ client, key: 'k', limit: 0, interval: 1000 }),
      /^new RedisRateLimiter: option "limit" must be a finite number > 0, got 0$/,
    ],
  ])('%s', (_name, construct, message) => {
    expect(construct).toThrow(message);
  });
});

// Connection options and the breaker’s own (`quorum`, the options it does not offer) are read by
// own keys only, as every local class’s options are: a key planted on Object.prototype is no option.
describe('fleet-wide classes read their options by own keys only', () => {
  const planted: Record<string, unknown> = {
    client,
    key: 'planted',
    redisTimeout: 'planted',
    quorum: 'planted',
    initialState: 'planted',
    maxKeys: 'planted',
    slowCallDuration: 'planted',
    slowCallRatio: 'planted',
  };
  function withPlantedKeys<Result>(run: () => Result): Result {
    for (const [name, value] of Object.entries(planted)) {
      Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
    }
    try {
      return run();
    } finally {
      for (const name of Object.keys(planted)) {
        delete (Object.prototype as Record<string, unknown>)[name];
      }
    }
  }

  it.each<[string, () => { readonly redisKey: string; close(): Promise<void> }]>([
    ['RedisRetryBudget', () => new RedisRetryBudget({ client, key: 'k' })],
    ['RedisBreaker', () => new RedisBreaker({ client, key: 'k' })],
    [
      'RedisRateLimiter',
      () => new RedisRateLimiter({ client, key: 'k', limit: 1, interval: 1000 }),
    ],
  ])('%s is made as without them', async (_name, construct) => {
    const instance = withPlantedKeys(construct);
    expect(instance.redisKey).toMatch(/^tenacious:\{k\}:/);
    await instance.close();
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'RedisRetryBudget',
      () => new RedisRetryBudget({ client } as never),
      /^RedisRetryBudget: option "key" must be a non-empty string, got undefined$/,
    ],
    [
      'RedisBreaker',
      () => new RedisBreaker({ key: 'k' } as never),
      /^RedisBreaker: option "client" must be an ioredis or redis \(node-redis\) client, got undefined$/,
    ],
  ])('%s still refuses a missing option', (_name, construct, message) => {
    expect(() => withPlantedKeys(construct)).toThrow(message);
  });
});

// The connection options and `quorum` are checked as every local option is: a value of the wrong
// kind is a TypeError showing that value, an options object must be a plain object, and the message
// names the class constructed, in the form its local options’ messages use.
describe('fleet-wide classes check their own options as the local classes check theirs', () => {
  class FleetBudget extends RedisRetryBudget {}
  class Settings {
    readonly client = client;
    readonly key = 'k';
  }

  it.each<[string, () => unknown, ErrorConstructor, RegExp]>([
    [
      'a quorum that is a string',
      () => new RedisBreaker({ client, key: 'k', quorum: '2' as never }),
      TypeError,
      /^RedisBreaker: option "quorum" must be an integer >= 1, got "2"$/,
    ],
    [
      'a redisTimeout that is a string',
      () => new RedisRetryBudget({ client, key: 'k', redisTimeout: '50' as never }),
      TypeError,
      /^RedisRetryBudget: option "redisTimeout" must be a finite number > 0 and <= 2147483647, got "50"$/,
    ],
    [
      'an empty key, for RedisRateLimiter',
      () => new RedisRateLimiter({ client, key: '', limit: 1, interval: 1000 }),
      TypeError,
      /^new RedisRateLimiter: option "key" must be a non-empty string, got ""$/,
    ],
    [
      'a bad key, for a subclass',
      () => new FleetBudget({ client, key: 5 as never }),
      TypeError,
      /^FleetBudget: option "key" must be a non-empty string, got 5$/,
    ],
    [
      'options that are no plain object',
      () => new RedisRetryBudget(new Settings()),
      TypeError,
      /^RedisRetryBudget: expected an options object, got /,
    ],
  ])('%s', (_name, construct, kind, message) => {
    expect(construct).toThrow(kind);
    expect(construct).toThrow(message);
  });

  it('refuses options that are no plain object as RetryBudget does', () => {
    expect(() => new RetryBudget(new Settings() as never)).toThrow(
      /^RetryBudget: expected an options object, got /,
    );
  });
});
