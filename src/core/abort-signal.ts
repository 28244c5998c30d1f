import { describeValue } from '../policy/describe-value';
import type { SignalOption } from '../policy/options';
import { keepAsCause } from './user-callback';

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
  if (option === undefined) return findSignalArgument(args);
  const signal: unknown = typeof option === 'function' ? option(args) : option;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`option "signal" returned ${describeValue(signal)}; it must return an AbortSignal or undefined`);
  }
  return signal;
}

/** `resolveAbortSignal` for a call whose attempt just failed with `handled` (see user-callback.ts). */
export function resolveAbortSignalAfter(handled: unknown, option: SignalOption | undefined, args: readonly unknown[]): AbortSignal | undefined {
  try {
    return resolveAbortSignal(option, args);
  } catch (thrown) {
    throw keepAsCause(thrown, handled);
  }
}

function findSignalArgument(args: readonly unknown[]): AbortSignal | undefined {
  for (const argument of args) {
    if (isAbortSignal(argument)) return argument;
    if (typeof argument !== 'object' || argument === null) continue;
    const { signal, abortSignal } = argument as { signal?: unknown; abortSignal?: unknown };
    if (isAbortSignal(signal)) return signal;
    if (isAbortSignal(abortSignal)) return abortSignal;
  }
  return undefined;
}
