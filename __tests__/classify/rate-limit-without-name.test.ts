import { isRateLimitError } from '../../src/classify/rate-limit';

// What other clients throw is not always an Error: a plain object without a `name` is read by its
// status, code, `$retryable` and message all the same.
describe('isRateLimitError on a plain object without a name', () => {
  it.each<[string, object]>([
    ['a throttling code', { code: 'ThrottlingException' }],
    ['$retryable.throttling', { $retryable: { throttling: true } }],
    ['a rate-limit message', { message: 'Rate limit exceeded' }],
  ])('recognises %s', (_what, thrown) => {
    expect(isRateLimitError(thrown)).toBe(true);
  });
});
