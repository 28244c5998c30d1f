/** Helpers shared by the core tests: functions that fail in a scripted way, and real error shapes. */

/** A Node system error as libuv reports it, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
export function systemError(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:1`), { code, errno: -1, syscall });
}

/**
 * A mock async function that rejects with `errors[0]`, `errors[1]`, ... on successive calls, then
 * resolves with `result` on every later call.
 */
export function rejectsThenResolves<Result>(
  errors: readonly unknown[],
  result: Result,
): jest.Mock<Promise<Result>, unknown[]> {
  let call = 0;
  return jest.fn(async (..._args: unknown[]) => {
    const index = call++;
    if (index < errors.length) throw errors[index];
    return result;
  });
}

/** A mock async function that rejects on every call with a new error made by `makeError(call)` (from 1). */
export function alwaysRejects(
  makeError: (call: number) => unknown,
): jest.Mock<Promise<never>, unknown[]> {
  let call = 0;
  return jest.fn(async (..._args: unknown[]) => {
    call += 1;
    throw makeError(call);
  });
}

/** Records what `onRetry` and `onGiveUp` were called with. */
export function recordCallbacks(): {
  readonly delays: number[];
  readonly onRetry: jest.Mock<void, [unknown, number, number]>;
  readonly onGiveUp: jest.Mock<void, [unknown, number]>;
} {
  const delays: number[] = [];
  return {
    delays,
    onRetry: jest.fn((_error: unknown, _attempt: number, delay: number) => {
      delays.push(delay);
    }),
    onGiveUp: jest.fn((_error: unknown, _attempts: number) => {}),
  };
}
