import { Retry, withRetry } from '../../src';

// onGiveUp is "called once when the call fails for good", onSuccess "after a call that succeeded".
// A call whose results retryOnResult kept retrying until the retries ran out gave up (onGiveUp,
// `giveUps` in stats()): it resolves with the last result, but it did not succeed, so onSuccess is
// not called as well.

const tooMany = { status: 429 };
const options = {
  maxAttempts: 2,
  initialDelay: 0,
  retryOnResult: (response: { status: number }) => response.status === 429,
} as const;

describe('onSuccess after retryOnResult ran out of retries', () => {
  it('is not called for withRetry; onGiveUp is, and the last result is returned', async () => {
    const onSuccess = jest.fn();
    const onGiveUp = jest.fn();
    await expect(withRetry(async () => tooMany, { ...options, onSuccess, onGiveUp })).resolves.toBe(
      tooMany,
    );
    expect(onGiveUp).toHaveBeenCalledWith(tooMany, 2);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('is not called for a synchronous method', () => {
    const onSuccess = jest.fn();
    class Client {
      @Retry({ ...options, onSuccess })
      get(): { status: number } {
        return tooMany;
      }
    }
    expect(new Client().get()).toBe(tooMany);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('is called once a retried result is accepted', async () => {
    const onSuccess = jest.fn();
    const responses = [tooMany, { status: 200 }];
    await withRetry(async () => responses.shift()!, { ...options, onSuccess });
    expect(onSuccess).toHaveBeenCalledWith({ status: 200 }, 2);
  });
});
