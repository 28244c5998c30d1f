import { ServiceUnavailableException, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { errors } from 'undici';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { HttpError } from '../../src/classify/http-error';
import { awsServiceError, namedError, systemError } from './error-fixtures';

describe('isFailureBeforeProcessing', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const refusedEverywhere = (): AggregateError =>
    Object.assign(
      new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], ''),
      {
        code: 'ECONNREFUSED',
      },
    );

  it.each<[string, unknown]>([
    ['ECONNREFUSED', systemError('ECONNREFUSED')],
    [
      'ECONNREFUSED inside fetch failed',
      new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }),
    ],
    ['an AggregateError with code ECONNREFUSED', refusedEverywhere()],
    [
      'an AggregateError of refused connections, no code of its own',
      new AggregateError([systemError('ECONNREFUSED')], ''),
    ],
    [
      'fetch failed caused by an AggregateError of refused connections',
      new TypeError('fetch failed', { cause: refusedEverywhere() }),
    ],
    [
      "the AWS HTTP/2 handler's ERR_HTTP2_STREAM_CANCEL caused by ECONNREFUSED",
      Object.assign(new Error('The pending stream has been canceled'), {
        code: 'ERR_HTTP2_STREAM_CANCEL',
        cause: systemError('ECONNREFUSED'),
      }),
    ],
    ['undici ConnectTimeoutError', new errors.ConnectTimeoutError()],
    [
      'ConnectTimeoutError inside fetch failed',
      new TypeError('fetch failed', { cause: new errors.ConnectTimeoutError() }),
    ],
    ['ENOTFOUND', systemError('ENOTFOUND', 'getaddrinfo')],
    ['EAI_AGAIN', systemError('EAI_AGAIN', 'getaddrinfo')],
    ['HttpError 429', new HttpError(429)],
    ['HttpError 503', new HttpError(503)],
    ['undici ResponseError 503', new errors.ResponseError('Response Error', 503, {})],
    ['an SDK error with $metadata 503', awsServiceError('Unknown', 503)],
    [
      'Bedrock ServiceUnavailableException 503',
      new ServiceUnavailableException({ message: 'x', $metadata: { httpStatusCode: 503 } }),
    ],
    [
      'Bedrock ThrottlingException',
      new ThrottlingException({ message: 'x', $metadata: { httpStatusCode: 429 } }),
    ],
    [
      'an AWS throttling name with status 400',
      awsServiceError('ProvisionedThroughputExceededException', 400),
    ],
    [
      '$retryable.throttling',
      Object.assign(awsServiceError('Custom', 400), { $retryable: { throttling: true } }),
    ],
    ['a rate-limit message', new Error('Rate limit exceeded')],
  ])('true: %s', (_label, error) => {
    expect(isFailureBeforeProcessing(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['ECONNRESET', systemError('ECONNRESET', 'read')],
    ['EPIPE', systemError('EPIPE', 'write')],
    [
      'ECONNRESET renamed TimeoutError by the SDK',
      namedError('TimeoutError', { code: 'ECONNRESET' }),
    ],
    ['ETIMEDOUT', systemError('ETIMEDOUT', 'read')],
    ['undici HeadersTimeoutError', new errors.HeadersTimeoutError()],
    ['undici BodyTimeoutError', new errors.BodyTimeoutError()],
    ['undici SocketError', new errors.SocketError('other side closed')],
    [
      'fetch terminated by a SocketError',
      new TypeError('terminated', { cause: new errors.SocketError('other side closed') }),
    ],
    ['HttpError 500', new HttpError(500)],
    ['HttpError 502', new HttpError(502)],
    ['HttpError 504', new HttpError(504)],
    ['HttpError 400', new HttpError(400)],
    ['HttpError 401', new HttpError(401)],
    [
      'a 503 Bedrock exception mid-stream (no status)',
      Object.assign(new ServiceUnavailableException({ message: 'x', $metadata: {} }), {
        $metadata: undefined,
      }),
    ],
    [
      'a reset connection inside an AggregateError listed first',
      new AggregateError([systemError('ECONNRESET'), systemError('ECONNREFUSED')]),
    ],
    [
      'a refused connection under an error with a category of its own',
      Object.assign(new HttpError(500), { cause: systemError('ECONNREFUSED') }),
    ],
    ['a caller abort', namedError('AbortError', { cause: systemError('ECONNREFUSED') })],
    ['a timeout DOMException', new DOMException('timed out', 'TimeoutError')],
    ['fetch failed with no cause', new TypeError('fetch failed')],
    ['a revoked Proxy', revocable.proxy],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'ECONNREFUSED'],
    ['{}', {}],
  ])('false: %s', (_label, error) => {
    expect(isFailureBeforeProcessing(error)).toBe(false);
  });
});
