import type { SignalOption } from '../policy/options';

/** Duck-typed so that signals from another realm or a polyfill are recognised too. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/**
 * The signal that cancels a call's retries: the `signal` option if given, otherwise an `AbortSignal`
 * argument, or one at `.signal` / `.abortSignal` of an argument (undici's and the AWS SDK's
 * spellings). Looked up only after a failure, never on the success path.
 */
export function resolveAbortSignal(option: SignalOption | undefined, args: readonly unknown[]): AbortSignal | undefined {
  if (option !== undefined) return typeof option === 'function' ? option(args) : option;
  for (const argument of args) {
    if (isAbortSignal(argument)) return argument;
    if (typeof argument !== 'object' || argument === null) continue;
    const { signal, abortSignal } = argument as { signal?: unknown; abortSignal?: unknown };
    if (isAbortSignal(signal)) return signal;
    if (isAbortSignal(abortSignal)) return abortSignal;
  }
  return undefined;
}
