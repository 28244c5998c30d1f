import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';

// An error that says what it is settles its category: what it wraps (`cause`) is looked at only
// when the error itself says nothing. Each error below wraps a refused connection, which alone
// would be NETWORK.

const { RETRYABLE, NON_RETRYABLE } = ErrorCategory;

function refusedConnection(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

function wrapping(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('outer', { cause: refusedConnection() }), fields);
}

describe('classifyError: the error itself decides before its cause', () => {
  it.each<[string, Record<string, unknown>, ErrorCategory]>([
    [
      "undici's RequestAbortedError code (a caller's abort)",
      { code: 'UND_ERR_ABORTED' },
      NON_RETRYABLE,
    ],
    ["Node's ABORT_ERR code (a caller's abort)", { code: 'ABORT_ERR' }, NON_RETRYABLE],
    ['an llhttp parse error code', { code: 'HPE_INVALID_CONSTANT' }, NON_RETRYABLE],
    ['a SOCKS5 protocol error code', { code: 'UND_ERR_SOCKS5_VERSION_MISMATCH' }, NON_RETRYABLE],
    ['an AWS client fault', { name: 'SomeNewServiceException', $fault: 'client' }, NON_RETRYABLE],
    ['an AWS server fault', { name: 'SomeNewServiceException', $fault: 'server' }, RETRYABLE],
  ])('%s', (_what, fields, expected) => {
    expect(classifyError(wrapping(fields))).toBe(expected);
  });

  it('judges an undici error that carries a status by that status first', () => {
    // UND_ERR_RESPONSE is about the status it carries; `$retryable` would otherwise say RETRYABLE.
    const notFound = Object.assign(new Error('Response Error'), {
      code: 'UND_ERR_RESPONSE',
      statusCode: 404,
      $retryable: {},
    });
    expect(classifyError(notFound)).toBe(NON_RETRYABLE);
  });
});
