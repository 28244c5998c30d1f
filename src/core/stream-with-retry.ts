import type { RetryPolicy } from '../policy/retry-policy';
import { retryAsynchronously, type RetriedFunction } from './call-with-retry';
import { failedWith, succeededWith, type Outcome } from './outcome';
import { callStartTime } from './retry-decision';

interface StreamStart {
  readonly iterator: AsyncIterator<unknown, unknown, unknown>;
  readonly first: IteratorResult<unknown, unknown>;
}

/**
 * Runs an async generator method with retries until it yields its first value. From then on the
 * stream belongs to the caller: a later failure is rethrown, never retried, because a new attempt
 * would repeat output the caller has already consumed.
 */
export async function* streamWithRetry(
  policy: RetryPolicy,
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): AsyncGenerator<unknown, unknown, unknown> {
  const startedAt = callStartTime(policy);
  const firstOutcome = await startStream(target, thisArg, args);
  const { iterator, first } = firstOutcome.failed
    ? // `retryOnResult` does not apply: a stream that started is never retried.
      await retryAsynchronously(
        policy,
        () => startStream(target, thisArg, args),
        firstOutcome,
        startedAt,
        args,
        undefined,
      )
    : firstOutcome.value;
  if (first.done) return first.value;

  let delegated = false;
  try {
    yield first.value;
    delegated = true;
    return yield* { [Symbol.asyncIterator]: () => iterator };
  } finally {
    // The caller stopped (break, return or throw) at the first value: close the inner stream too.
    if (!delegated) await iterator.return?.();
  }
}

async function startStream(
  target: RetriedFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<Outcome<StreamStart>> {
  try {
    const iterator = Reflect.apply(target, thisArg, args) as AsyncIterator<
      unknown,
      unknown,
      unknown
    >;
    return succeededWith({ iterator, first: await iterator.next() });
  } catch (error) {
    return failedWith(error);
  }
}
