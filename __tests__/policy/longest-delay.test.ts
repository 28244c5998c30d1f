import { Retry, withRetry } from '../../src';

// setTimeout fires after 1 ms (with a TimeoutOverflowWarning) for 2^31 ms or more, so a delay that
// long would turn "wait 25 days" into an instant retry: it is refused where the options are given.
describe('delays longer than a timer can wait', () => {
  it.each([
    ['initialDelay', { initialDelay: 2 ** 31 }],
    ['maxDelay', { maxDelay: 2 ** 32 }],
  ])('rejects %s above 2147483647 ms', (option, options) => {
    expect(() => withRetry(async () => 'ok', options)).toThrow(RangeError);
    expect(() => withRetry(async () => 'ok', options)).toThrow(
      new RegExp(`"${option}" must be a number of milliseconds from 0 to 2147483647`),
    );
  });

  it('accepts the longest delay a timer can wait', () => {
    expect(() => {
      class Service {
        @Retry({ initialDelay: 2_147_483_647, maxDelay: 2_147_483_647 })
        async load(): Promise<string> {
          return 'ok';
        }
      }
      return Service;
    }).not.toThrow();
  });
});
