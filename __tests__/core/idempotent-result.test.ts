import { Retry, withRetry } from '../../src';

// idempotent: false retries only what is known to have happened before the call was processed
// (DESIGN 1: refused connection, connect timeout, DNS, 429, 503). A returned value that
// `retryOnResult` retries is held to the same rule: a 500 or 502 response that was returned rather
// than thrown may come after the work was done, and running a non-idempotent call again would do
// it twice.

const options = { initialDelay: 0, maxAttempts: 3, idempotent: false } as const;

describe('retryOnResult with idempotent: false', () => {
  it.each([500, 502, 504])('does not retry a returned %i response', async (status) => {
    const fn = jest.fn(async () => ({ status }));
    const onGiveUp = jest.fn();
    const result = await withRetry(fn, {
      ...options,
      retryOnResult: (response) => response.status >= 500,
      onGiveUp,
    });
    expect(result).toEqual({ status });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(onGiveUp).toHaveBeenCalledWith({ status }, 1);
  });

  it.each([429, 503])('retries a returned %i response, which was not processed', async (status) => {
    const responses = [{ status }, { status: 200 }];
    const fn = jest.fn(async () => responses.shift()!);
    await expect(
      withRetry(fn, { ...options, retryOnResult: (response) => response.status !== 200 }),
    ).resolves.toEqual({ status: 200 });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('holds for a synchronous method too', () => {
    class Payments {
      calls = 0;

      @Retry({
        ...options,
        retryOnResult: (response: { status: number }) => response.status >= 500,
      })
      charge(): { status: number } {
        this.calls += 1;
        return { status: 502 };
      }
    }
    const payments = new Payments();
    expect(payments.charge()).toEqual({ status: 502 });
    expect(payments.calls).toBe(1);
  });

  it('still retries any result the predicate accepts when the call is idempotent', async () => {
    const responses = [{ status: 500 }, { status: 200 }];
    const fn = jest.fn(async () => responses.shift()!);
    await expect(
      withRetry(fn, {
        ...options,
        idempotent: true,
        retryOnResult: (response) => response.status >= 500,
      }),
    ).resolves.toEqual({ status: 200 });
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
