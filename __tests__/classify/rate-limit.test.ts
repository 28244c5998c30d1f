import {
  ModelNotReadyException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { errors } from 'undici';
import { HttpError } from '../../src/classify/http-error';
import { isRateLimitError } from '../../src/classify/rate-limit';
import { MAX_CHAIN_DEPTH } from '../../src/classify/error-shape';
import { awsServiceError, causeChain, namedError, systemError } from './error-fixtures';

describe('isRateLimitError', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const cyclic: { cause?: unknown } = new Error('a');
  cyclic.cause = new Error('b', { cause: cyclic });

  it.each<[string, unknown]>([
    ['HttpError 429', new HttpError(429)],
    ['status 429', { status: 429 }],
    ['statusCode 429', { statusCode: 429 }],
    ['$metadata.httpStatusCode 429', { $metadata: { httpStatusCode: 429 } }],
    ['response.status 429', { response: { status: 429 } }],
    ['response.statusCode 429', { response: { statusCode: 429 } }],
    ['$response.statusCode 429', { $response: { statusCode: 429 } }],
    ['undici ResponseError 429', new errors.ResponseError('Response Error', 429, {})],
    ['undici RequestRetryError 429', new errors.RequestRetryError('Request failed', 429, {})],
    [
      'Bedrock ThrottlingException',
      new ThrottlingException({ message: 'x', $metadata: { httpStatusCode: 429 } }),
    ],
    [
      'Bedrock ThrottlingException mid-stream (no $metadata)',
      Object.assign(new ThrottlingException({ message: 'x', $metadata: {} }), {
        $metadata: undefined,
      }),
    ],
    [
      'Bedrock ModelNotReadyException',
      new ModelNotReadyException({ message: 'x', $metadata: { httpStatusCode: 429 } }),
    ],
    ...[
      'BandwidthLimitExceeded',
      'EC2ThrottledException',
      'LimitExceededException',
      'PriorRequestNotComplete',
      'ProvisionedThroughputExceededException',
      'RequestLimitExceeded',
      'RequestThrottled',
      'RequestThrottledException',
      'SlowDown',
      'ThrottledException',
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
      'TransactionInProgressException',
    ].map((name): [string, unknown] => [
      `AWS throttling name ${name} (status 400)`,
      awsServiceError(name, 400),
    ]),
    ['an AWS SDK v2 style code', Object.assign(new Error('x'), { code: 'ThrottlingException' })],
    [
      '$retryable.throttling true',
      Object.assign(awsServiceError('Custom', 400), { $retryable: { throttling: true } }),
    ],
    ['message "Rate limit exceeded"', new Error('Rate limit exceeded')],
    ['message "rate-limited"', new Error('You have been rate-limited')],
    ['message "Request throttled"', new Error('Request throttled by upstream')],
    ['name RateLimitError', namedError('RateLimitError', { message: 'slow down' })],
    ['a thrown string', 'ratelimit'],
    ['a 429 inside a fetch failure', new TypeError('fetch failed', { cause: new HttpError(429) })],
    ['a throttling error 3 causes deep', causeChain(awsServiceError('ThrottlingException'), 3)],
    [
      'a throttling error inside an AggregateError',
      new AggregateError([new Error('?'), new HttpError(429)]),
    ],
    ['a frozen 429', Object.freeze({ status: 429 })],
  ])('true: %s', (_label, error) => {
    expect(isRateLimitError(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['HttpError 503', new HttpError(503)],
    ['HttpError 500', new HttpError(500)],
    [
      'Bedrock ServiceUnavailableException',
      new ServiceUnavailableException({ message: 'x', $metadata: { httpStatusCode: 503 } }),
    ],
    [
      'Bedrock ValidationException',
      new ValidationException({ message: 'x', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'ModelNotReadyException-like $retryable {} without throttling',
      Object.assign(awsServiceError('Custom', 400), { $retryable: {} }),
    ],
    [
      '$retryable.throttling false',
      Object.assign(awsServiceError('Custom'), { $retryable: { throttling: false } }),
    ],
    ['ECONNREFUSED', systemError('ECONNREFUSED')],
    ['a timeout', new errors.HeadersTimeoutError()],
    ['an unrelated message', new Error('accelerate the integration')],
    [
      'an abort, even one caused by throttling',
      namedError('AbortError', { cause: new HttpError(429) }),
    ],
    [
      'a 429 under an error with a category of its own',
      Object.assign(new HttpError(400), { cause: new HttpError(429) }),
    ],
    [
      'a throttling error beyond the depth bound',
      causeChain(new HttpError(429), MAX_CHAIN_DEPTH + 1),
    ],
    ['a cyclic cause', cyclic],
    ['a revoked Proxy', revocable.proxy],
    ['null', null],
    ['undefined', undefined],
    ['42', 42],
    ['a string', 'boom'],
    ['{}', {}],
    ['Object.create(null)', Object.create(null)],
  ])('false: %s', (_label, error) => {
    expect(isRateLimitError(error)).toBe(false);
  });
});

describe('isRateLimitError on a Proxy whose symbol-keyed reads throw', () => {
  // Only its string-keyed properties can be read: what they say still decides, as for classifyError.
  const symbolsThrow = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === 'symbol') throw new Error(`no ${String(key)}`);
        return Reflect.get(object, key, receiver) as unknown;
      },
    });

  it('is a rate limit when its status is 429', () => {
    expect(isRateLimitError(symbolsThrow({ status: 429 }))).toBe(true);
  });

  it('looks through it to a 429 in its cause', () => {
    expect(isRateLimitError(symbolsThrow({ message: 'wrapped', cause: new HttpError(429) }))).toBe(
      true,
    );
  });
});
