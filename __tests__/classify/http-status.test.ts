import { ErrorCategory } from '../../src/classify/error-category';
import { readHttpStatus } from '../../src/classify/error-shape';
import { categorizeHttpStatus } from '../../src/classify/http-status';

const { RETRYABLE, NON_RETRYABLE, AUTH_FAILURE, TIMEOUT } = ErrorCategory;

describe('categorizeHttpStatus', () => {
  it.each<[number, ErrorCategory | undefined]>([
    [100, undefined],
    [200, undefined],
    [304, undefined],
    [399, undefined],
    [400, NON_RETRYABLE],
    [401, AUTH_FAILURE],
    [402, NON_RETRYABLE],
    [403, AUTH_FAILURE],
    [404, NON_RETRYABLE],
    [407, NON_RETRYABLE],
    [408, TIMEOUT],
    [409, NON_RETRYABLE],
    [413, NON_RETRYABLE],
    [422, NON_RETRYABLE],
    [424, NON_RETRYABLE],
    [429, RETRYABLE],
    [499, NON_RETRYABLE],
    [500, RETRYABLE],
    [501, NON_RETRYABLE],
    [502, RETRYABLE],
    [503, RETRYABLE],
    [504, TIMEOUT],
    [505, NON_RETRYABLE],
    [506, NON_RETRYABLE],
    [507, RETRYABLE],
    [508, NON_RETRYABLE],
    [509, RETRYABLE],
    [510, NON_RETRYABLE],
    [511, NON_RETRYABLE],
    [520, RETRYABLE],
    [599, RETRYABLE],
    [600, undefined],
    [-1, undefined],
    [503.5, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
  ])('%d -> %s', (status, expected) => {
    expect(categorizeHttpStatus(status)).toBe(expected);
  });
});

describe('readHttpStatus', () => {
  const throwingStatus = {
    get status(): number {
      throw new Error('getter');
    },
    statusCode: 502,
  };

  it.each<[string, object, number | undefined]>([
    ['status (fetch Response, HttpError)', { status: 503 }, 503],
    ['statusCode (undici)', { statusCode: 429 }, 429],
    ['$metadata.httpStatusCode (AWS SDK v3)', { $metadata: { httpStatusCode: 400 } }, 400],
    ['response.status (axios)', { response: { status: 404 } }, 404],
    ['response.statusCode (got)', { response: { statusCode: 500 } }, 500],
    ['$response.statusCode (the SDK raw response)', { $response: { statusCode: 502 } }, 502],
    ['a 1xx status', { status: 100 }, 100],
    ['a success status', { status: 200 }, 200],
    ['status comes before statusCode', { status: 503, statusCode: 500 }, 503],
    [
      'an invalid status falls back to the next place',
      { status: 'error', $metadata: { httpStatusCode: 429 } },
      429,
    ],
    ['$metadata without a status', { $metadata: { attempts: 1 } }, undefined],
    ['a throwing getter is skipped', throwingStatus, 502],
    ['a string', { status: '503' }, undefined],
    ['a fraction', { status: 503.5 }, undefined],
    ['below 100', { status: 99 }, undefined],
    ['above 599', { statusCode: 600 }, undefined],
    ['an exit status is not an HTTP status', { status: 1 }, undefined],
    ['NaN', { status: Number.NaN }, undefined],
    ['nothing', {}, undefined],
    ['a null response', { response: null }, undefined],
  ])('%s', (_label, error, expected) => {
    expect(readHttpStatus(error)).toBe(expected);
  });
});
