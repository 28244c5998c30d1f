import { isPromiseLike } from '../../core/call-with-retry';
import { markMisuse } from '../../core/misuse-error';
import type { CallRecord } from '../../core/pipeline';

/**
 * Runs the attempt and returns its promise; a method that returned something else is refused: a
 * time limit or a hedge cannot stop or race a synchronous method, which has finished before either
 * could act. Its value is not returned, so the refusal shows at the first such call.
 */
export function runAsynchronousAttempt(
  run: () => unknown,
  call: CallRecord,
  decorator: string,
): PromiseLike<unknown> {
  const value = run();
  if (isPromiseLike(value)) return value;
  const { className, method } = call.pipeline.identity;
  const name = className === undefined ? method : `${className}.${method}`;
  throw markMisuse(
    new TypeError(
      `${decorator} on ${name}: it returned a value that is not a promise; ${decorator} cannot stop or race a synchronous function, which has already finished when it returns. Make it async (or return a promise), or remove ${decorator}`,
    ),
  );
}
