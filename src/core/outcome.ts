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
