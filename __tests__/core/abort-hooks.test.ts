import { retryable } from '../../src';

// README (onGiveUp): "called once when the call fails for good: ...; not on abort".
describe('onGiveUp and abort', () => {
  test('an abort that ends the attempt in flight does not call onGiveUp', async () => {
    const onGiveUp = jest.fn();
    const call = retryable(
      (signal: AbortSignal) =>
        new Promise<never>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
      { onGiveUp, initialDelay: 0, maxDelay: 0 },
    );
    const controller = new AbortController();
    const result = call(controller.signal);
    controller.abort();
    await expect(result).rejects.toBe(controller.signal.reason);
    expect(onGiveUp).not.toHaveBeenCalled();
  });
});
