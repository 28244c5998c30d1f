import { categorizeAwsErrorName } from './aws-errors';
import { isCallerAbort } from './caller-abort';
import { ErrorCategory } from './error-category';
import { categorizeErrorCode, isStatusCarryingCode } from './error-codes';
import { readCode, readHttpStatus, readName, readProperty, readString } from './error-shape';
import { categorizeHttpStatus } from './http-status';
import { hasRateLimitText } from './rate-limit-signals';
import { categoryOfTenaciousError } from './tenacious-error';

/**
 * The category of one error judged by its own properties, not its `cause`; `undefined` when nothing
 * about it is known, so the caller can look deeper. The order of the checks is the classification
 * rule (DESIGN.md "Classification").
 */
export function categorizeOneError(error: unknown): ErrorCategory | undefined {
  if (isCallerAbort(error)) return ErrorCategory.NON_RETRYABLE;
  if (typeof error === 'string') {
    return hasRateLimitText(error) ? ErrorCategory.RETRYABLE : undefined;
  }
  if (!isObjectLike(error)) return undefined;
  const own = categoryOfTenaciousError(error);
  if (own !== undefined) return own;

  // `code` before `name`: the SDK's NodeHttpHandler renames ECONNRESET/EPIPE/ETIMEDOUT errors to
  // 'TimeoutError' but keeps their code.
  const code = readCode(error);
  if (code !== undefined) {
    const byCode = isStatusCarryingCode(code)
      ? categorizeStatusOf(error)
      : categorizeErrorCode(code);
    if (byCode !== undefined) return byCode;
  }

  const name = readName(error);
  const byName =
    (name === undefined ? undefined : categorizeAwsErrorName(name)) ??
    (code === undefined ? undefined : categorizeAwsErrorName(code));
  if (byName !== undefined) return byName;

  // The SDK sets `$retryable` (possibly `{}`) on errors its models declare retryable.
  if (isObjectLike(readProperty(error, '$retryable'))) return ErrorCategory.RETRYABLE;

  // Also catches SDK errors whose body could not be parsed (a SyntaxError from an HTML 502 page, an
  // 'Unknown' from an empty 503): the status still tells the truth.
  const byStatus = categorizeStatusOf(error);
  if (byStatus !== undefined) return byStatus;

  if (hasRateLimitText(error)) return ErrorCategory.RETRYABLE;

  const fault = readString(error, '$fault');
  if (fault === 'server') return ErrorCategory.RETRYABLE;
  if (fault === 'client') return ErrorCategory.NON_RETRYABLE;
  return undefined;
}

function categorizeStatusOf(error: object): ErrorCategory | undefined {
  const status = readHttpStatus(error);
  return status === undefined ? undefined : categorizeHttpStatus(status);
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
