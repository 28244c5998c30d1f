import { isPromiseLike } from '../../core/call-with-retry';
import { markMisuse } from '../../core/misuse-error';
import type { CallRecord } from '../../core/pipeline';

/**
 * Runs the attempt and returns its promise; a method that returned something else is refused: a
 * time limit or a hedge cannot stop or race a synchronous method, which has finished before either
 * could act. Its value is not returned, so the refusal shows at the first such call. The message
 * names the decorator for a method, and the option (`option`) for `withRetry` and `retryable`,
 * whose calls have no class.
 */
export function runAsynchronousAttempt(
  run: () => unknown,
  call: CallRecord,
  decorator: string,
  option: string,
): PromiseLike<unknown> {
  const value = run();
  if (isPromiseLike(value)) return value;
  const { className, method } = call.pipeline.identity;
  const policy = className === undefined ? `the ${option} option` : decorator;
  const where =
    className === undefined ? `${policy} of ${method}` : `${decorator} on ${className}.${method}`;
  throw markMisuse(
    new TypeError(
      `${where}: it returned a value that is not a promise; ${policy} cannot stop or race a synchronous function, which has already finished when it returns. Make it async (or return a promise), or remove ${policy}`,
    ),
  );
}
