import { ErrorCategory, HttpError, classifyError, isRateLimitError, withRetry } from '../../src';

describe('HttpError', () => {
  it('is an Error named HttpError, with a message from its status', () => {
    const error = new HttpError(503);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HttpError');
    expect(error.message).toBe('HTTP 503');
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({});
  });

  // The signature takes a number; a JavaScript caller may hand over the status as text (a log
  // line, a header), which classification would not read as a status at all.
  it('reads a status given as digits as the number they name', () => {
    const asStatus = (status: unknown): number => status as number;
    const unavailable = new HttpError(asStatus('503'));
    expect(unavailable.status).toBe(503);
    expect(classifyError(unavailable)).toBe(ErrorCategory.RETRYABLE);
    expect(isRateLimitError(new HttpError(asStatus(' 429 ')))).toBe(true);
    expect(classifyError(new HttpError(asStatus('404')))).toBe(ErrorCategory.NON_RETRYABLE);
    // Anything else is kept as given: not a status, so not read as one.
    expect(new HttpError(asStatus('50x')).status).toBe('50x');
    expect(new HttpError(asStatus('')).status).toBe('');
  });

  it('keeps a message given', () => {
    expect(new HttpError(429, {}, 'slow down').message).toBe('slow down');
  });

  it('lower-cases the header names', () => {
    expect(new HttpError(429, { 'Retry-After': '3', 'X-Request-Id': 'abc' }).headers).toEqual({
      'retry-after': '3',
      'x-request-id': 'abc',
    });
  });

  // The signature takes a record of strings; JavaScript callers hand over what their client gave.
  describe('headers from JavaScript callers', () => {
    const asRecord = (headers: unknown): Record<string, string> =>
      headers as Record<string, string>;

    it('reads null as no headers', () => {
      const error = new HttpError(503, asRecord(null), 'down');
      expect(error.status).toBe(503);
      expect(error.message).toBe('down');
      expect(error.headers).toEqual({});
    });

    it('copies a fetch Headers object, so its Retry-After is honoured', async () => {
      const error = new HttpError(503, asRecord(new Headers({ 'Retry-After': '2' })));
      expect(error.headers).toEqual({ 'retry-after': '2' });

      jest.useFakeTimers();
      try {
        const delays: number[] = [];
        const attempt = jest.fn().mockRejectedValueOnce(error).mockResolvedValueOnce('ok');
        const settled = expect(
          withRetry(attempt, {
            initialDelay: 1,
            onRetry: (_error, _attempt, delay) => delays.push(delay),
          }),
        ).resolves.toBe('ok');
        await jest.advanceTimersByTimeAsync(2000);
        await settled;
        expect(delays).toEqual([2000]);
      } finally {
        jest.useRealTimers();
      }
    });

    it('keeps every value a string, as undici request() headers give them', () => {
      const undiciHeaders = {
        'Set-Cookie': ['a=1', 'b=2'],
        'Content-Length': 12,
        'X-Absent': undefined,
      };
      expect(new HttpError(429, asRecord(undiciHeaders)).headers).toEqual({
        'set-cookie': 'a=1, b=2',
        'content-length': '12',
      });
    });
  });
});
