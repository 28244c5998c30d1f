import type { PipelinePolicy } from './pipeline';

/**
 * Errors that say a policy cannot apply to the method as written (a synchronous method under
 * `@Timeout`, `@Hedge` or a concurrency queue): a mistake in the code, not a failure of the
 * dependency. The retry loop never retries one (each such policy vetoes it: `vetoMisuse`), and
 * `@Fallback` never answers for one, so it shows at the first call.
 */
const misuseErrors = new WeakSet<object>();

/** Marks `error` as a misuse of a policy and returns it. */
export function markMisuse<Error extends object>(error: Error): Error {
  misuseErrors.add(error);
  return error;
}

export function isMisuse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && misuseErrors.has(error);
}

/** The `vetoRetry` of a policy that marks misuse (`@Timeout`, `@Hedge`, a concurrency queue). */
export const vetoMisuse: NonNullable<PipelinePolicy['vetoRetry']> = (_call, outcome) =>
  outcome.failed && isMisuse(outcome.error);
