import { isCallerAbort } from '../classify/caller-abort';
import { readProperty } from '../classify/error-shape';
import { describeValue } from '../policy/describe-value';
import type { SignalOption } from '../policy/options';
import type { CallRecord } from './pipeline';
import { keepAsCause } from './user-callback';

/**
 * Duck-typed so that signals from another realm or a polyfill are recognised too. Reads through
 * `readProperty`, because the values looked at are the caller's arguments: a revoked Proxy or a
 * throwing getter among them must not replace the call's own error. Both listener methods are
 * required: every listener added to a caller's signal is removed once its wait or attempt ends.
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof readProperty(value, 'aborted') === 'boolean' &&
    typeof readProperty(value, 'addEventListener') === 'function' &&
    typeof readProperty(value, 'removeEventListener') === 'function'
  );
}

/**
 * For an error message: which member keeps an object that looks like a signal (it has at least
 * one of the three) from being one; undefined for anything else.
 */
export function abortSignalShortfall(value: unknown): string | undefined {
  const members = [
    ['aborted', 'boolean'],
    ['addEventListener', 'function'],
    ['removeEventListener', 'function'],
  ] as const;
  const found = members.map(([name, type]) => typeof readProperty(value, name) === type);
  const missing = found.indexOf(false);
  if (missing === -1 || !found.includes(true)) return undefined;
  const [name, type] = members[missing]!;
  return `its "${name}" is not a ${type}`;
}

/**
 * The signal that cancels a call's retries: the `signal` option if given, otherwise an `AbortSignal`
 * argument, or one at `.signal` / `.abortSignal` of an argument (undici's and the AWS SDK's
 * spellings). Looked up only after a failure, never on the success path.
 */
export function resolveAbortSignal(
  option: SignalOption | undefined,
  args: readonly unknown[],
): AbortSignal | undefined {
  if (option === undefined) return findSignalArgument(args);
  const signal: unknown = typeof option === 'function' ? option(args) : option;
  if (signal !== undefined && !isAbortSignal(signal)) {
    const shortfall = abortSignalShortfall(signal);
    throw new TypeError(
      `option "signal" returned ${describeValue(signal)}${shortfall === undefined ? '' : `, and ${shortfall}`}; it must return an AbortSignal or undefined`,
    );
  }
  return signal;
}

/** `resolveAbortSignal` for a call whose attempt just failed with `handled` (see user-callback.ts). */
export function resolveAbortSignalAfter(
  handled: unknown,
  option: SignalOption | undefined,
  args: readonly unknown[],
): AbortSignal | undefined {
  try {
    return resolveAbortSignal(option, args);
  } catch (thrown) {
    throw keepAsCause(thrown, handled);
  }
}

/**
 * The call's signal, looked up once, at the first failure that needs it (`handled`: see
 * `resolveAbortSignalAfter`), so that a `signal` option function runs once per call at most.
 */
export function callSignalAfter(call: CallRecord, handled: unknown): AbortSignal | undefined {
  try {
    return callSignal(call);
  } catch (thrown) {
    throw keepAsCause(thrown, handled);
  }
}

/**
 * The call's signal, looked up at most once per call (a `signal` option function runs once), by
 * whichever policy needs it first: a wait for a turn or a queue place, an attempt's own signal, the
 * retry loop after a failure.
 */
export function callSignal(call: CallRecord): AbortSignal | undefined {
  if (!call.signalResolved) {
    // Marked first: an option that throws ends the call with its error once, and is not run again
    // by a policy that looks later (a fallback asking whether the failure is the caller's abort).
    call.signalResolved = true;
    const signal = resolveAbortSignal(call.pipeline.signal, call.args);
    call.signal = call.stop === undefined ? signal : call.stop.link(signal);
  }
  return call.signal;
}

/**
 * Whether an attempt's `error` is its caller's abort: an abort error (caller-abort.ts), or the very
 * reason the call's signal was aborted with, since `controller.abort(reason)` makes fetch, undici
 * and the AWS SDK reject with that reason, whatever it is.
 */
export function isAbortOfCall(call: CallRecord, error: unknown): boolean {
  if (isCallerAbort(error)) return true;
  const signal = callSignalAfter(call, error);
  return signal !== undefined && signal.aborted && signal.reason === error;
}

function findSignalArgument(args: readonly unknown[]): AbortSignal | undefined {
  for (const argument of args) {
    if (typeof argument !== 'object' || argument === null) continue;
    if (isAbortSignal(argument)) return argument;
    const signal = readProperty(argument, 'signal');
    if (isAbortSignal(signal)) return signal;
    const abortSignal = readProperty(argument, 'abortSignal');
    if (isAbortSignal(abortSignal)) return abortSignal;
  }
  return undefined;
}
