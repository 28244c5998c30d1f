/**
 * The one table of Bedrock Runtime exceptions the local server can play, with the HTTP status real
 * Bedrock answers each with (shared/reference/error-taxonomy.md).
 */
export const bedrockExceptionStatus = {
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelTimeoutException: 408,
  ModelStreamErrorException: 424,
  ModelErrorException: 424,
  ServiceQuotaExceededException: 400,
  ValidationException: 400,
  ConflictException: 400,
  ResourceNotFoundException: 404,
  AccessDeniedException: 403,
  // Not in the SDK's model: the client surfaces them as a plain BedrockRuntimeServiceException.
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
} as const;

export type BedrockExceptionName = keyof typeof bedrockExceptionStatus;

/**
 * The exceptions the SDK's stream unions model. ConverseStream has no modelTimeoutException member;
 * InvokeModelWithResponseStream has all six.
 */
export type BedrockStreamExceptionName =
  | 'ThrottlingException'
  | 'ModelStreamErrorException'
  | 'InternalServerException'
  | 'ServiceUnavailableException'
  | 'ValidationException'
  | 'ModelTimeoutException';

export function statusOfException(name: BedrockExceptionName): number {
  return bedrockExceptionStatus[name];
}

/** Inside an event stream the exception type is camelCase: `ThrottlingException` → `throttlingException`. */
export function streamExceptionType(name: BedrockStreamExceptionName): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
