/** How one attempt ended: it threw (or rejected), or it returned a value. */
export type Outcome<Value = unknown> =
  | { readonly failed: true; readonly error: unknown }
  | { readonly failed: false; readonly value: Value };

export function failedWith(error: unknown): Outcome<never> {
  return { failed: true, error };
}

export function succeededWith<Value>(value: Value): Outcome<Value> {
  return { failed: false, value };
}

/** The error an attempt failed with, or the value it returned. */
export function outcomeValue(outcome: Outcome): unknown {
  return outcome.failed ? outcome.error : outcome.value;
}
