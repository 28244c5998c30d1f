import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';
import { isRateLimitError } from '../../src/classify/rate-limit';

// A caller's abort means "stop", whatever else the error says: its message may mention throttling
// (the caller gave up on a throttled call) or it may carry a status, and it is still neither a
// rate limit nor a failure to retry.
describe("a caller's abort", () => {
  it.each<[string, Error]>([
    [
      'an AbortError whose message mentions throttling',
      Object.assign(new Error('aborted: the call was throttled'), { name: 'AbortError' }),
    ],
    [
      'an AbortError with status 503',
      Object.assign(new Error('aborted'), { name: 'AbortError', status: 503 }),
    ],
    [
      'an ABORT_ERR code with a rate-limit message',
      Object.assign(new Error('aborted after rate limit'), { code: 'ABORT_ERR' }),
    ],
  ])('%s is no rate limit, not before processing, not retryable', (_what, abort) => {
    expect(isRateLimitError(abort)).toBe(false);
    expect(isFailureBeforeProcessing(abort)).toBe(false);
    expect(classifyError(abort)).toBe(ErrorCategory.NON_RETRYABLE);
  });
});
