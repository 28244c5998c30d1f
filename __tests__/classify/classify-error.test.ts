import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { errors } from 'undici';
import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';
import { MAX_CHAIN_DEPTH, MAX_CHAIN_NODES } from '../../src/classify/error-shape';
import { HttpError } from '../../src/classify/http-error';
import { isRateLimitError } from '../../src/classify/rate-limit';
import { awsServiceError, causeChain, namedError, systemError } from './error-fixtures';

const { RETRYABLE, NON_RETRYABLE, AUTH_FAILURE, TIMEOUT, NETWORK } = ErrorCategory;

// undici exports AbortError at run time but its type declarations leave it out.
const UndiciAbortError = Reflect.get(errors, 'AbortError') as new (message?: string) => Error;

describe('classifyError: undici 7 errors (real instances)', () => {
  it.each<[string, unknown, ErrorCategory]>([
    ['ConnectTimeoutError', new errors.ConnectTimeoutError(), TIMEOUT],
    ['HeadersTimeoutError', new errors.HeadersTimeoutError(), TIMEOUT],
    ['BodyTimeoutError', new errors.BodyTimeoutError(), TIMEOUT],
    ['SocketError', new errors.SocketError('other side closed'), NETWORK],
    [
      'ResponseContentLengthMismatchError',
      new errors.ResponseContentLengthMismatchError(),
      NETWORK,
    ],
    [
      'SecureProxyConnectionError',
      new errors.SecureProxyConnectionError(new Error('tls'), 'proxy tls'),
      NETWORK,
    ],
    ['Socks5ProxyError (UND_ERR_SOCKS5)', new errors.Socks5ProxyError('socks'), NETWORK],
    [
      'Socks5ProxyError reply 5 (refused)',
      new errors.Socks5ProxyError('refused', 'UND_ERR_SOCKS5_REPLY_5'),
      NETWORK,
    ],
    [
      'Socks5ProxyError auth failed',
      new errors.Socks5ProxyError('auth', 'UND_ERR_SOCKS5_AUTH_FAILED'),
      NON_RETRYABLE,
    ],
    ['AbortError (UND_ERR_ABORT)', new UndiciAbortError('aborted'), NON_RETRYABLE],
    ['RequestAbortedError (UND_ERR_ABORTED)', new errors.RequestAbortedError(), NON_RETRYABLE],
    ['ResponseError 503', new errors.ResponseError('Response Error', 503, {}), RETRYABLE],
    ['ResponseError 429', new errors.ResponseError('Response Error', 429, {}), RETRYABLE],
    ['ResponseError 504', new errors.ResponseError('Response Error', 504, {}), TIMEOUT],
    ['ResponseError 401', new errors.ResponseError('Response Error', 401, {}), AUTH_FAILURE],
    ['ResponseError 404', new errors.ResponseError('Response Error', 404, {}), NON_RETRYABLE],
    ['RequestRetryError 500', new errors.RequestRetryError('Request failed', 500, {}), RETRYABLE],
    ['RequestRetryError 408', new errors.RequestRetryError('Request failed', 408, {}), TIMEOUT],
    [
      'RequestRetryError 403',
      new errors.RequestRetryError('Request failed', 403, {}),
      AUTH_FAILURE,
    ],
    [
      'RequestRetryError 400',
      new errors.RequestRetryError('Request failed', 400, {}),
      NON_RETRYABLE,
    ],
    [
      'HTTPParserError HPE_INVALID_CONSTANT',
      Reflect.construct(errors.HTTPParserError, ['Expected HTTP/', 'INVALID_CONSTANT']),
      NON_RETRYABLE,
    ],
    ['InvalidArgumentError', new errors.InvalidArgumentError('bad'), NON_RETRYABLE],
    ['InvalidReturnValueError', new errors.InvalidReturnValueError('bad'), NON_RETRYABLE],
    ['NotSupportedError', new errors.NotSupportedError(), NON_RETRYABLE],
    ['HeadersOverflowError', new errors.HeadersOverflowError(), NON_RETRYABLE],
    ['ResponseExceededMaxSizeError', new errors.ResponseExceededMaxSizeError(), NON_RETRYABLE],
    [
      'RequestContentLengthMismatchError',
      new errors.RequestContentLengthMismatchError(),
      NON_RETRYABLE,
    ],
    ['ClientDestroyedError', new errors.ClientDestroyedError(), NON_RETRYABLE],
    ['ClientClosedError', new errors.ClientClosedError(), NON_RETRYABLE],
    [
      'BalancedPoolMissingUpstreamError',
      new errors.BalancedPoolMissingUpstreamError(),
      NON_RETRYABLE,
    ],
    ['MaxOriginsReachedError', new errors.MaxOriginsReachedError(), NON_RETRYABLE],
    ['MessageSizeExceededError', new errors.MessageSizeExceededError(), NON_RETRYABLE],
  ])('%s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  it.each<[string, unknown, ErrorCategory]>([
    [
      'a plain object with an undici code (another copy of undici)',
      { code: 'UND_ERR_SOCKET' },
      NETWORK,
    ],
    ['ResponseError-shaped object', { code: 'UND_ERR_RESPONSE', statusCode: 502 }, RETRYABLE],
    [
      'UND_ERR_RESPONSE without a status falls through to unknown',
      { code: 'UND_ERR_RESPONSE' },
      NON_RETRYABLE,
    ],
    [
      'a code matters more than a status beside it',
      { code: 'UND_ERR_INVALID_ARG', statusCode: 503 },
      NON_RETRYABLE,
    ],
  ])('by shape: %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('classifyError: fetch failures (cause and AggregateError)', () => {
  const refusedTwice = (): AggregateError =>
    Object.assign(
      new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], ''),
      {
        code: 'ECONNREFUSED',
      },
    );

  it.each<[string, unknown, ErrorCategory]>([
    [
      "TypeError('fetch failed') caused by ECONNREFUSED",
      new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }),
      NETWORK,
    ],
    [
      "TypeError('fetch failed') caused by ENOTFOUND",
      new TypeError('fetch failed', { cause: systemError('ENOTFOUND', 'getaddrinfo') }),
      NETWORK,
    ],
    [
      "TypeError('fetch failed') caused by ConnectTimeoutError",
      new TypeError('fetch failed', { cause: new errors.ConnectTimeoutError() }),
      TIMEOUT,
    ],
    [
      "TypeError('terminated') caused by BodyTimeoutError",
      new TypeError('terminated', { cause: new errors.BodyTimeoutError() }),
      TIMEOUT,
    ],
    [
      "TypeError('terminated') caused by SocketError",
      new TypeError('terminated', { cause: new errors.SocketError('other side closed') }),
      NETWORK,
    ],
    [
      'fetch failed caused by an AggregateError of refused connections',
      new TypeError('fetch failed', { cause: refusedTwice() }),
      NETWORK,
    ],
    [
      'an AggregateError of refused connections without its own code',
      new AggregateError([systemError('ECONNREFUSED')], ''),
      NETWORK,
    ],
    [
      'the first child with a known category wins',
      new AggregateError([new HttpError(401), systemError('ECONNREFUSED')]),
      AUTH_FAILURE,
    ],
    [
      'unknown children are passed over',
      new AggregateError([new Error('?'), systemError('ETIMEDOUT')]),
      TIMEOUT,
    ],
    [
      '`cause` is looked at before `errors`',
      Object.assign(new AggregateError([systemError('ECONNRESET')]), {
        cause: new errors.HeadersTimeoutError(),
      }),
      TIMEOUT,
    ],
    [
      'a known error is not overridden by its cause',
      Object.assign(new HttpError(404), { cause: systemError('ECONNRESET') }),
      NON_RETRYABLE,
    ],
    ['a fetch failure with no cause', new TypeError('fetch failed'), NON_RETRYABLE],
  ])('%s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('classifyError: Node system codes', () => {
  it.each<[string, ErrorCategory]>([
    ['ECONNREFUSED', NETWORK],
    ['ENOTFOUND', NETWORK],
    ['EAI_AGAIN', NETWORK],
    ['ECONNRESET', NETWORK],
    ['EPIPE', NETWORK],
    ['ECONNABORTED', NETWORK],
    ['ENETUNREACH', NETWORK],
    ['EHOSTUNREACH', NETWORK],
    ['ENETDOWN', NETWORK],
    ['EHOSTDOWN', NETWORK],
    ['ETIMEDOUT', TIMEOUT],
    ['ERR_SOCKET_CONNECTION_TIMEOUT', TIMEOUT],
    ['EACCES', NON_RETRYABLE],
    ['ERR_INVALID_URL', NON_RETRYABLE],
  ])('%s', (code, expected) => {
    expect(classifyError(systemError(code))).toBe(expected);
  });
});

describe('classifyError: a caller abort is decided first and never retried', () => {
  const controller = new AbortController();
  controller.abort();

  it.each<[string, unknown]>([
    ['DOMException AbortError from controller.abort()', controller.signal.reason],
    ["the AWS SDK's abort, Error{name:'AbortError'}", namedError('AbortError')],
    [
      'an SDK abort whose cause is a timeout reason',
      namedError('AbortError', { cause: new DOMException('t', 'TimeoutError') }),
    ],
    [
      'an abort caused by a network error',
      namedError('AbortError', { cause: systemError('ECONNRESET') }),
    ],
    [
      "Node's AbortError (ABORT_ERR)",
      Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR' }),
    ],
    ['an abort carrying a 503 status', namedError('AbortError', { status: 503 })],
    [
      'an abort inside a fetch failure',
      new TypeError('fetch failed', { cause: namedError('AbortError') }),
    ],
  ])('%s', (_label, error) => {
    expect(classifyError(error)).toBe(NON_RETRYABLE);
  });

  it('DOMException TimeoutError (AbortSignal.timeout) is a timeout, not an abort', () => {
    expect(classifyError(new DOMException('The operation timed out.', 'TimeoutError'))).toBe(
      TIMEOUT,
    );
  });
});

describe('classifyError: AWS SDK v3', () => {
  it.each([
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
  ])('throttling name %s is RETRYABLE even with a 400 status and $fault client', (name) => {
    expect(classifyError(awsServiceError(name, 400))).toBe(RETRYABLE);
  });

  it.each([
    ['TimeoutError', TIMEOUT],
    ['RequestTimeout', TIMEOUT],
    ['RequestTimeoutException', TIMEOUT],
  ])('transient name %s', (name, expected) => {
    expect(classifyError(awsServiceError(name, 400))).toBe(expected);
  });

  it.each<[number, ErrorCategory]>([
    [500, RETRYABLE],
    [502, RETRYABLE],
    [503, RETRYABLE],
    [504, TIMEOUT],
  ])('an unmodelled error with status %i', (status, expected) => {
    expect(classifyError(awsServiceError('SomethingUnmodelled', status, 'server'))).toBe(expected);
  });

  it.each([
    'AuthFailure',
    'InvalidSignatureException',
    'RequestExpired',
    'RequestInTheFuture',
    'RequestTimeTooSkewed',
    'SignatureDoesNotMatch',
    'AccessDeniedException',
  ])('clock-skew / signature name %s is AUTH_FAILURE, not retried', (name) => {
    expect(classifyError(awsServiceError(name, 403))).toBe(AUTH_FAILURE);
  });

  it.each<[string, unknown, ErrorCategory]>([
    // NodeHttpHandler renames socket errors to TimeoutError but keeps the code.
    [
      "ECONNRESET renamed 'TimeoutError'",
      namedError('TimeoutError', { code: 'ECONNRESET' }),
      NETWORK,
    ],
    ["EPIPE renamed 'TimeoutError'", namedError('TimeoutError', { code: 'EPIPE' }), NETWORK],
    [
      "ETIMEDOUT renamed 'TimeoutError'",
      namedError('TimeoutError', { code: 'ETIMEDOUT' }),
      TIMEOUT,
    ],
    [
      "the handler's socket timeout, TimeoutError with no code",
      namedError('TimeoutError'),
      TIMEOUT,
    ],
    [
      'HTTP/2 handler: ERR_HTTP2_STREAM_CANCEL caused by ECONNREFUSED',
      Object.assign(new Error('The pending stream has been canceled'), {
        code: 'ERR_HTTP2_STREAM_CANCEL',
        cause: systemError('ECONNREFUSED'),
        $metadata: { attempts: 1 },
      }),
      NETWORK,
    ],
    [
      'a SyntaxError from an HTML 502 page',
      Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 502 } }),
      RETRYABLE,
    ],
    ["an empty 503 body, name 'Unknown'", awsServiceError('Unknown', 503, 'client'), RETRYABLE],
    [
      '$retryable {} beats status 400 and $fault client',
      Object.assign(awsServiceError('Custom', 400), { $retryable: {} }),
      RETRYABLE,
    ],
    [
      '$retryable {throttling: true}',
      Object.assign(awsServiceError('Custom', 400), { $retryable: { throttling: true } }),
      RETRYABLE,
    ],
    [
      '$retryable present but undefined (as every SDK exception has)',
      Object.assign(awsServiceError('Custom'), { $retryable: undefined }),
      NON_RETRYABLE,
    ],
    ['$fault server, no status', awsServiceError('Custom', undefined, 'server'), RETRYABLE],
    ['$fault client, no status', awsServiceError('Custom', undefined, 'client'), NON_RETRYABLE],
    [
      'the hidden $response status',
      Object.assign(new Error('x'), { $response: { statusCode: 502 } }),
      RETRYABLE,
    ],
    [
      'an AWS SDK v2 style error with the name in `code`',
      Object.assign(new Error('x'), { code: 'ThrottlingException', statusCode: 400 }),
      RETRYABLE,
    ],
  ])('%s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('classifyError: Bedrock Runtime exceptions (real SDK classes)', () => {
  type BedrockException = new (options: {
    message: string;
    $metadata: { httpStatusCode?: number };
  }) => Error;
  const rows: [BedrockException, number, ErrorCategory][] = [
    [ThrottlingException, 429, RETRYABLE],
    [ModelNotReadyException, 429, RETRYABLE],
    [ServiceUnavailableException, 503, RETRYABLE],
    [InternalServerException, 500, RETRYABLE],
    [ModelTimeoutException, 408, TIMEOUT],
    [ModelStreamErrorException, 424, RETRYABLE],
    [ModelErrorException, 424, NON_RETRYABLE],
    [ServiceQuotaExceededException, 400, NON_RETRYABLE],
    [ValidationException, 400, NON_RETRYABLE],
    [ConflictException, 400, NON_RETRYABLE],
    [ResourceNotFoundException, 404, NON_RETRYABLE],
    [AccessDeniedException, 403, AUTH_FAILURE],
  ];

  it.each(
    rows.map(
      ([exception, status, expected]) => [exception.name, exception, status, expected] as const,
    ),
  )('%s from send() (status %i)', (_name, exception, status, expected) => {
    expect(
      classifyError(new exception({ message: 'x', $metadata: { httpStatusCode: status } })),
    ).toBe(expected);
  });

  it.each(rows.map(([exception, , expected]) => [exception.name, exception, expected] as const))(
    '%s thrown mid-stream, without $metadata',
    (_name, exception, expected) => {
      // The shape the SDK's event-stream parser gives: `$metadata` is undefined.
      const error = Object.assign(new exception({ message: 'x', $metadata: {} }), {
        $metadata: undefined,
      });
      expect(classifyError(error)).toBe(expected);
    },
  );

  it.each<[string, ErrorCategory]>([
    ['UnrecognizedClientException', AUTH_FAILURE],
    ['ExpiredTokenException', AUTH_FAILURE],
  ])('unmodelled %s (403)', (name, expected) => {
    expect(classifyError(awsServiceError(name, 403))).toBe(expected);
  });

  it('CredentialsProviderError (before any request) is AUTH_FAILURE', () => {
    const error = namedError('CredentialsProviderError', { tryNextLink: false });
    expect(classifyError(error)).toBe(AUTH_FAILURE);
  });
});

describe('classifyError: HTTP statuses', () => {
  it.each<[number, ErrorCategory]>([
    [400, NON_RETRYABLE],
    [401, AUTH_FAILURE],
    [403, AUTH_FAILURE],
    [404, NON_RETRYABLE],
    [408, TIMEOUT],
    [409, NON_RETRYABLE],
    [422, NON_RETRYABLE],
    [429, RETRYABLE],
    [500, RETRYABLE],
    [501, NON_RETRYABLE],
    [502, RETRYABLE],
    [503, RETRYABLE],
    [504, TIMEOUT],
    [505, NON_RETRYABLE],
  ])('HttpError %i', (status, expected) => {
    expect(classifyError(new HttpError(status))).toBe(expected);
  });

  it.each<[string, object, ErrorCategory]>([
    ['status', { status: 503 }, RETRYABLE],
    ['statusCode', { statusCode: 401 }, AUTH_FAILURE],
    ['$metadata.httpStatusCode', { $metadata: { httpStatusCode: 504 } }, TIMEOUT],
    ['response.status', { response: { status: 429 } }, RETRYABLE],
    ['response.statusCode', { response: { statusCode: 403 } }, AUTH_FAILURE],
    ['$response.statusCode', { $response: { statusCode: 500 } }, RETRYABLE],
    ['a success status is no answer', { status: 200 }, NON_RETRYABLE],
    ['a string status is ignored', { status: '503' }, NON_RETRYABLE],
  ])('status found at %s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('classifyError: rate-limit messages', () => {
  it.each<[string, unknown, ErrorCategory]>([
    ['"Rate limit exceeded"', new Error('Rate limit exceeded'), RETRYABLE],
    ['"rate-limited"', new Error('You are being rate-limited'), RETRYABLE],
    ['"ratelimit"', new Error('ratelimit hit'), RETRYABLE],
    ['"Request was throttled"', new Error('Request was throttled'), RETRYABLE],
    ['a RateLimitError by name', namedError('RateLimitError', { message: 'slow down' }), RETRYABLE],
    ['a thrown string', 'rate limit reached', RETRYABLE],
    [
      'a status decides before the message',
      Object.assign(new Error('rate limit'), { status: 400 }),
      NON_RETRYABLE,
    ],
    ['an unrelated message', new Error('accelerate'), NON_RETRYABLE],
  ])('%s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('classifyError: anything thrown, never throws', () => {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const throwingGetters = {
    get code(): string {
      throw new Error('code getter');
    },
    get name(): string {
      throw new Error('name getter');
    },
    status: 503,
  };
  const everyReadThrows = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );
  const cyclicA: { cause?: unknown } = new Error('a');
  const cyclicB: { cause?: unknown } = new Error('b');
  cyclicA.cause = cyclicB;
  cyclicB.cause = cyclicA;
  const cyclicWithNetwork = new Error('outer');
  const inner = Object.assign(systemError('ECONNRESET'), { cause: cyclicWithNetwork });
  Object.assign(cyclicWithNetwork, { cause: new Error('middle', { cause: inner }) });
  const selfCause: { cause?: unknown } = new Error('self');
  selfCause.cause = selfCause;

  it.each<[string, unknown, ErrorCategory]>([
    ['a string', 'something broke', NON_RETRYABLE],
    ['an empty string', '', NON_RETRYABLE],
    ['null', null, NON_RETRYABLE],
    ['undefined', undefined, NON_RETRYABLE],
    ['42', 42, NON_RETRYABLE],
    ['NaN', Number.NaN, NON_RETRYABLE],
    ['true', true, NON_RETRYABLE],
    ['a symbol', Symbol('x'), NON_RETRYABLE],
    ['a bigint', 10n, NON_RETRYABLE],
    ['a function', () => undefined, NON_RETRYABLE],
    ['{}', {}, NON_RETRYABLE],
    ['Object.create(null)', Object.create(null), NON_RETRYABLE],
    ['a plain Error', new Error('boom'), NON_RETRYABLE],
    ['a frozen network error', Object.freeze(systemError('ECONNRESET')), NETWORK],
    ['a frozen object with a status', Object.freeze({ status: 503 }), RETRYABLE],
    ['throwing `code` and `name` getters: the status still counts', throwingGetters, RETRYABLE],
    ['a Proxy whose every read throws', everyReadThrows, NON_RETRYABLE],
    ['a revoked Proxy', revocable.proxy, NON_RETRYABLE],
    [
      'a revoked Proxy as a cause',
      new TypeError('fetch failed', { cause: revocable.proxy }),
      NON_RETRYABLE,
    ],
    [
      'a revoked Proxy as `errors`',
      Object.assign(new Error('x'), { errors: revocable.proxy }),
      NON_RETRYABLE,
    ],
    [
      '`errors` that is not an array',
      Object.assign(new Error('x'), { errors: 'many' }),
      NON_RETRYABLE,
    ],
    ['a cyclic cause (a.cause = b, b.cause = a)', cyclicA, NON_RETRYABLE],
    ['an error that is its own cause', selfCause, NON_RETRYABLE],
    ['a cycle with a network error in it', cyclicWithNetwork, NETWORK],
    ['a primitive cause', new Error('x', { cause: 'ECONNREFUSED' }), NON_RETRYABLE],
    [
      'a cause chain 3 deep with a network error at the bottom',
      causeChain(systemError('ECONNREFUSED'), 3),
      NETWORK,
    ],
    [
      `a cause chain at the depth bound (${MAX_CHAIN_DEPTH})`,
      causeChain(systemError('ECONNREFUSED'), MAX_CHAIN_DEPTH),
      NETWORK,
    ],
    [
      'a cause chain one past the depth bound',
      causeChain(systemError('ECONNREFUSED'), MAX_CHAIN_DEPTH + 1),
      NON_RETRYABLE,
    ],
    [
      'a cause chain 100 deep with a network error at the bottom',
      causeChain(systemError('ECONNREFUSED'), 100),
      NON_RETRYABLE,
    ],
    [
      'a network error after more unknown errors than the walk looks at',
      new AggregateError([
        ...Array.from({ length: MAX_CHAIN_NODES }, () => new Error('?')),
        systemError('ECONNREFUSED'),
      ]),
      NON_RETRYABLE,
    ],
  ])('%s', (_label, error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });

  it('reads at most MAX_CHAIN_NODES members of a huge `errors` array', () => {
    const readIndexes = new Set<string>();
    const members = new Proxy(new Array<Error>(1_000_000).fill(new Error('?')), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) readIndexes.add(key);
        return Reflect.get(target, key, receiver);
      },
    });
    expect(classifyError(Object.assign(new Error('many'), { errors: members }))).toBe(
      NON_RETRYABLE,
    );
    expect(readIndexes.size).toBeGreaterThan(0);
    expect(readIndexes.size).toBeLessThanOrEqual(MAX_CHAIN_NODES);
  });
});

describe('exception names in the event-stream spelling', () => {
  // What the SDK throws for a stream exception its model does not declare: a plain Error named as
  // the frame's camelCase :exception-type, carrying the stream's status 200.
  const undeclaredStreamException = (name: string): Error =>
    Object.assign(new Error(`Deserialization error: {"message":"from the stream"}`), {
      name,
      $metadata: { httpStatusCode: 200 },
    });

  it.each([
    ['modelTimeoutException', ErrorCategory.TIMEOUT],
    ['modelNotReadyException', ErrorCategory.RETRYABLE],
    ['throttlingException', ErrorCategory.RETRYABLE],
    ['serviceUnavailableException', ErrorCategory.RETRYABLE],
    ['validationException', ErrorCategory.NON_RETRYABLE],
  ])('classifies %s like its PascalCase exception', (name, category) => {
    expect(classifyError(undeclaredStreamException(name))).toBe(category);
  });

  it('treats throttling in that spelling as a rate limit', () => {
    expect(isRateLimitError(undeclaredStreamException('modelNotReadyException'))).toBe(true);
  });

  it('does not capitalise names that are not exceptions', () => {
    expect(classifyError(Object.assign(new Error('x'), { name: 'timeoutError' }))).toBe(
      ErrorCategory.NON_RETRYABLE,
    );
  });

  it('capitalises only an ASCII lower-case first letter', () => {
    // 'ſ' (long s) upper-cases to 'S': no event stream spells ServiceUnavailableException so.
    expect(classifyError(undeclaredStreamException('ſerviceUnavailableException'))).toBe(
      ErrorCategory.NON_RETRYABLE,
    );
  });
});
