import { HttpError } from '../../src';

describe('HttpError', () => {
  it('is an Error named HttpError, with a message from its status', () => {
    const error = new HttpError(503);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HttpError');
    expect(error.message).toBe('HTTP 503');
    expect(error.status).toBe(503);
    expect(error.headers).toEqual({});
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
});
