import { HttpError, type RateLimitOptions, type RetryOptions } from '../../src';

// Shared by the standard-mode suites in this folder and the legacy-mode suites in ../legacy.
// Nothing here uses decorators, so it compiles the same in both modes.

/**
 * Retry options that never wait: the retry loop runs without timers or blocking. Without a retry
 * budget: these suites pin the lanes' own rules over thousands of failing calls per class, which
 * the default budget (a flat 100 retries per 10 s, then a tenth of the calls) would cut short.
 */
export const instantRetry = {
  initialDelay: 0,
  maxDelay: 0,
  jitter: 'none',
  budget: false,
} as const satisfies RetryOptions;

/** Rate-limit options that never wait (jitter stays on, as it must, but 0 jittered is still 0). */
export const instantRateLimit = {
  initialDelay: 0,
  maxDelay: 0,
} as const satisfies RateLimitOptions;

/** One `HttpError` per status, in order. */
export function httpErrors(...statuses: number[]): HttpError[] {
  return statuses.map((status) => new HttpError(status));
}

/**
 * Plays back a list of failures, one per call: call n throws `failures[n - 1]`, and once the list
 * is used up every call returns `result`. Records `this` and the arguments of every call.
 */
export class FailureScript<Result = string> {
  calls = 0;
  readonly receivers: unknown[] = [];
  readonly argumentLists: unknown[][] = [];

  constructor(
    readonly failures: readonly unknown[],
    readonly result: Result = 'ok' as Result,
  ) {}

  /** Makes one call: records it, then throws the next failure or returns the result. */
  next(receiver?: unknown, ...args: unknown[]): Result {
    this.receivers.push(receiver);
    this.argumentLists.push(args);
    const failure = this.failures[this.calls];
    this.calls += 1;
    if (this.calls <= this.failures.length) throw failure;
    return this.result;
  }
}

/** What a synchronous call threw (the object itself), or fails the test if it returned. */
export function thrownBy(call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return error;
  }
  if (result instanceof Promise) {
    result.catch(() => undefined); // a synchronous method that went asynchronous: fail here, not as an unhandled rejection
    throw new Error('expected the call to throw synchronously, but it returned a promise');
  }
  throw new Error('expected the call to throw, but it returned');
}

/**
 * Runs jest's fake timers until nothing is scheduled, then hands back `promise` for the caller to
 * await. A rejection is observed (so it is not reported as unhandled while the timers run).
 */
export async function afterAllTimers<Result>(promise: Promise<Result>): Promise<Result> {
  promise.catch(() => undefined);
  await jest.runAllTimersAsync();
  return promise;
}
