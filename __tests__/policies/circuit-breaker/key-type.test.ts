import { Breaker, HttpError, retryable } from '../../../src';

// `key` is `(this, args) => string`: a key of another type would make a circuit that toJSON()
// reports and initialState then refuses (and 42 and '42' two circuits). It is refused at the call,
// naming the option and the value, as a rate limiter's `cost` is.

describe('a key function that returns something other than a string', () => {
  it.each([[42], [{ host: 'a' }], [Symbol('k')]])('refuses %p, naming the option', async (key) => {
    const breaker = new Breaker({ consecutiveFailures: 1, key: () => key as never });
    let calls = 0;
    const dependency = async (): Promise<never> => {
      calls += 1;
      throw new HttpError(503);
    };
    const call = retryable(dependency, { maxAttempts: 1, budget: false, circuitBreaker: breaker });
    await expect(call()).rejects.toThrow(/option "key" returned .*; it must return a string/);
    expect(calls).toBe(0);
    expect(() => new Breaker({ initialState: breaker.toJSON() })).not.toThrow();
  });

  it('keeps a string key as it is', async () => {
    const breaker = new Breaker({ consecutiveFailures: 1, key: (_self, [host]) => host as string });
    const call = retryable(
      async (host: string) => {
        throw new HttpError(503, { message: host } as never);
      },
      { maxAttempts: 1, budget: false, circuitBreaker: breaker },
    );
    await expect(call('a')).rejects.toBeInstanceOf(HttpError);
    expect(breaker.stateOf('a')).toBe('open');
    expect(() => new Breaker({ initialState: breaker.toJSON() })).not.toThrow();
  });
});
