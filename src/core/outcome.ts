import type { PolicyKind } from './pipeline';

/**
 * How one attempt ended: it threw (or rejected), or it returned a value. `refused` marks an
 * attempt that a policy did not let start (an open breaker): its `error` is the policy's refusal,
 * not a failure of the dependency. `resultRetried` is `retryOnResult`'s answer for the value, where
 * it was asked already (an attempt that policies watch: runAttempt), so that it is asked only once.
 */
export type Outcome<Value = unknown> =
  | {
      readonly failed: true;
      readonly error: unknown;
      readonly refused?: true;
      /** The kind of the policy that refused the attempt. */
      readonly refusedBy?: PolicyKind;
    }
  | { readonly failed: false; readonly value: Value; readonly resultRetried?: boolean };

export function failedWith(error: unknown): Outcome<never> {
  return { failed: true, error };
}

export function succeededWith<Value>(value: Value): Outcome<Value> {
  return { failed: false, value };
}

/** A value that `retryOnResult` was asked about, with its answer. */
export function returnedJudged<Value>(value: Value, resultRetried: boolean): Outcome<Value> {
  return { failed: false, value, resultRetried };
}

export function refusedWith(error: unknown, refusedBy?: PolicyKind): Outcome<never> {
  return { failed: true, error, refused: true, refusedBy };
}

/** The error an attempt failed with, or the value it returned. */
export function outcomeValue(outcome: Outcome): unknown {
  return outcome.failed ? outcome.error : outcome.value;
}
