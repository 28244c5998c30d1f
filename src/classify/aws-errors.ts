import { ErrorCategory } from './error-category';

const { RETRYABLE, NON_RETRYABLE, AUTH_FAILURE, TIMEOUT } = ErrorCategory;

/** The AWS SDK v3 throttling error names (smithy's THROTTLING_ERROR_CODES) plus Bedrock's. */
const throttlingNames: ReadonlySet<string> = new Set([
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
  // Bedrock answers 429 while an on-demand model is still loading.
  'ModelNotReadyException',
]);

const namedCategories: ReadonlyMap<string, ErrorCategory> = new Map([
  // AbortSignal.timeout()'s DOMException, and the SDK's request/socket timeouts.
  ['TimeoutError', TIMEOUT],
  // AWS transient names.
  ['RequestTimeout', TIMEOUT],
  ['RequestTimeoutException', TIMEOUT],
  // Clock skew and signature failures: a wrong clock or key does not fix itself on retry.
  ['AuthFailure', AUTH_FAILURE],
  ['InvalidSignatureException', AUTH_FAILURE],
  ['RequestExpired', AUTH_FAILURE],
  ['RequestInTheFuture', AUTH_FAILURE],
  ['RequestTimeTooSkewed', AUTH_FAILURE],
  ['SignatureDoesNotMatch', AUTH_FAILURE],
  // Bedrock Runtime. Names matter because stream exceptions thrown mid-stream carry no $metadata.
  // ModelStreamErrorException arrives with status 424 but is a passing fault of the stream.
  ['ModelStreamErrorException', RETRYABLE],
  ['ModelErrorException', NON_RETRYABLE],
  ['ModelTimeoutException', TIMEOUT],
  ['ServiceUnavailableException', RETRYABLE],
  ['InternalServerException', RETRYABLE],
  ['AccessDeniedException', AUTH_FAILURE],
  ['UnrecognizedClientException', AUTH_FAILURE],
  ['ExpiredTokenException', AUTH_FAILURE],
  ['CredentialsProviderError', AUTH_FAILURE],
  ['ValidationException', NON_RETRYABLE],
  ['ConflictException', NON_RETRYABLE],
  ['ResourceNotFoundException', NON_RETRYABLE],
  // A quota (e.g. tokens per day) that retrying within seconds cannot free; throttling is separate.
  ['ServiceQuotaExceededException', NON_RETRYABLE],
]);

export function isAwsThrottlingName(name: string): boolean {
  return throttlingNames.has(eventStreamNameToErrorName(name));
}

/** The category an AWS SDK error name implies, or `undefined` for names we know nothing about. */
export function categorizeAwsErrorName(name: string): ErrorCategory | undefined {
  const errorName = eventStreamNameToErrorName(name);
  return throttlingNames.has(errorName) ? RETRYABLE : namedCategories.get(errorName);
}

/**
 * Event streams name exceptions in camelCase (`:exception-type: modelTimeoutException`). The SDK
 * turns the ones a stream's model declares into classes, but an undeclared one (ConverseStream has
 * no modelTimeoutException) surfaces as a plain Error with that camelCase name and status 200.
 */
function eventStreamNameToErrorName(name: string): string {
  const first = name.charCodeAt(0);
  return first >= 97 && first <= 122 && name.endsWith('Exception')
    ? name[0].toUpperCase() + name.slice(1)
    : name;
}
