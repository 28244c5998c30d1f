import { Retry, RetryContext, RetryDefaults, retryable, withRetry } from '../../src';

// 'decorrelated' jitter grows each delay from the previous one (U(initialDelay, previous * 3)),
// not from a base delay, so with an explicit `delays` schedule it ignored the schedule entirely:
// `delays: [5, 10, 20]` waited about 3 s, 9 s and 27 s. The combination is refused where it is
// given, naming both options, and when it only appears once layers merge.

const transient = (): Error => Object.assign(new Error('unavailable'), { status: 503 });

describe("jitter: 'decorrelated' with delays", () => {
  const message = /option "delays" must be left out with jitter 'decorrelated' .*, got /;

  it.each<[string, () => unknown]>([
    ['withRetry', () => withRetry(async () => 1, { delays: [5, 10], jitter: 'decorrelated' })],
    ['retryable', () => retryable(() => 1, { jitter: 'decorrelated', delays: () => 5 })],
    ['RetryContext', () => new RetryContext({ delays: [5], jitter: 'decorrelated' })],
    ['@Retry', () => Retry({ delays: [5], jitter: 'decorrelated' })],
    ['@RetryDefaults', () => RetryDefaults({ delays: [5], jitter: 'decorrelated' })],
  ])('is refused by %s', (_where, make) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });

  it('is refused when @RetryDefaults and @Retry bring one each', () => {
    expect(() => {
      @RetryDefaults({ jitter: 'decorrelated' })
      class Foo {
        @Retry({ delays: [5, 10] })
        async bar(): Promise<void> {}
      }
      return Foo;
    }).toThrow(
      new RangeError(
        `@RetryDefaults({ jitter: "decorrelated" }) on Foo and @Retry({ delays: [5, 10] }) on Foo.bar: 'decorrelated' jitter grows each delay from the previous one and would ignore the "delays" schedule; use 'full', 'equal', 'proportional' or 'none' with it`,
      ),
    );
  });

  it('other jitters follow the schedule', async () => {
    const delays: number[] = [];
    await expect(
      withRetry(
        () => {
          throw transient();
        },
        {
          maxAttempts: 4,
          delays: [1, 2, 3],
          jitter: 'equal',
          random: () => 0.999,
          onRetry: (_error, _attempt, delay) => delays.push(delay),
        },
      ),
    ).rejects.toThrow('unavailable');
    expect(delays).toEqual([1, 2, 3]);
  });
});
