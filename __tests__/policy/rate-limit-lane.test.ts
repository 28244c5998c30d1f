import { HttpError, retryable } from '../../src';

// With a rate-limit lane (the `rateLimit` option), a failure that is no rate limit is not the rate
// lane's: it goes on to the retry lane and follows its rules.
describe('a rate-limit lane without rateLimitErrors', () => {
  it('passes an error that is no rate limit on to the retry lane', () => {
    const unavailable = new HttpError(503);
    let calls = 0;
    const flaky = retryable(
      () => {
        calls += 1;
        if (calls === 1) throw unavailable;
        return 'served';
      },
      { initialDelay: 0, rateLimit: { maxAttempts: 2, initialDelay: 0 } },
    );
    expect(flaky()).toBe('served');
    expect(calls).toBe(2);
  });

  it('rethrows an error neither lane retries, itself', () => {
    const badRequest = new HttpError(400);
    const onGiveUp = jest.fn();
    const failing = retryable(
      () => {
        throw badRequest;
      },
      { initialDelay: 0, onGiveUp, rateLimit: { initialDelay: 0 } },
    );
    expect(() => failing()).toThrow(badRequest);
    expect(onGiveUp).toHaveBeenCalledWith(badRequest, 1);
  });
});
