import { isAbortCode } from './error-codes';
import { readCode, readName } from './error-shape';

/**
 * A caller's abort: `controller.abort()`'s DOMException, the AWS SDK's `Error{name:'AbortError'}`,
 * undici's AbortError / RequestAbortedError, Node's AbortError (`ABORT_ERR`). The caller asked to stop,
 * so it is never retried, whatever its `cause` says (the SDK puts the signal's reason there).
 */
export function isCallerAbort(error: unknown): boolean {
  if (readName(error) === 'AbortError') return true;
  const code = readCode(error);
  return code !== undefined && isAbortCode(code);
}
