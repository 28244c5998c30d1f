import { isAwsThrottlingName } from './aws-errors';
import { readCode, readHttpStatus, readMessage, readName, readProperty } from './error-shape';

const rateLimitText = /rate.?limit|throttl/i;

/** The message (or a thrown string) or the name speaks of a rate limit or throttling. */
export function hasRateLimitText(error: unknown): boolean {
  const message = readMessage(error);
  if (message !== undefined && rateLimitText.test(message)) return true;
  const name = readName(error);
  return name !== undefined && rateLimitText.test(name);
}

/**
 * This one error, not its causes, says "rate limited": HTTP 429, an AWS throttling name (as `name`, or
 * as `code` the way AWS SDK v2 and other clients report it), `$retryable.throttling`, or the text.
 * The text is read only when `isDefinite` says the error carries nothing definite (no error status,
 * no known code or name, no `$retryable`): a 400 or 500 whose body mentions a rate limit is not one.
 */
export function showsRateLimit(error: unknown, isDefinite: (error: unknown) => boolean): boolean {
  if (typeof error === 'object' && error !== null) {
    const status = readHttpStatus(error);
    if (status === 429) return true;
    const name = readName(error);
    if (name !== undefined && isAwsThrottlingName(name)) return true;
    const code = readCode(error);
    if (code !== undefined && isAwsThrottlingName(code)) return true;
    if (readProperty(readProperty(error, '$retryable'), 'throttling') === true) return true;
    // An error status other than 429 is definite: no need to look further to know the text is moot.
    if (status !== undefined && status >= 400) return false;
  }
  return !isDefinite(error) && hasRateLimitText(error);
}
