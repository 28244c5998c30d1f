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
  const definite = categorizeByDefiniteSignals(error);
  if (definite !== undefined) return definite;
  // Only now, with no status, code, name or `$retryable` to go by, is the text consulted.
  if (typeof error === 'string' || isObjectLike(error)) {
    if (hasRateLimitText(error)) return ErrorCategory.RETRYABLE;
  }
  const fault = readString(error, '$fault');
  if (fault === 'server') return ErrorCategory.RETRYABLE;
  if (fault === 'client') return ErrorCategory.NON_RETRYABLE;
  return undefined;
}

/**
 * Whether the error carries something that decides its category without reading its text: an
 * error status, a known code or name, `$retryable`, or it is a caller's abort.
 */
export function hasDefiniteSignal(error: unknown): boolean {
  return categorizeByDefiniteSignals(error) !== undefined;
}

/**
 * The category by what is definite about the error: a caller's abort, a known code, a known AWS
 * name, `$retryable`, an HTTP error status (DESIGN.md "Classification"). Never by message text.
 */
function categorizeByDefiniteSignals(error: unknown): ErrorCategory | undefined {
  if (isCallerAbort(error)) return ErrorCategory.NON_RETRYABLE;
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
  return categorizeStatusOf(error);
}

function categorizeStatusOf(error: object): ErrorCategory | undefined {
  const status = readHttpStatus(error);
  return status === undefined ? undefined : categorizeHttpStatus(status);
}

function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
