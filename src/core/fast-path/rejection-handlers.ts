import { listArguments } from './call-arguments';

/** Retries a call whose first attempt rejected; made once per retrying function. */
export type RetryRejectedCall = (
  thisArg: unknown,
  startedAt: number,
  args: readonly unknown[],
  error: unknown,
) => Promise<unknown>;

/**
 * Makes, per call, the handler that a call attaches to its first attempt's promise: with the
 * derived promise, the only allocation of a call that succeeds. A closure keeps every variable it
 * captures in a context of its own, so each shape below captures only the call's own values (one
 * shape per number of arguments), while what is the same for every call comes from the enclosing
 * scope, made once per retrying function. A call with one argument allocates 200 bytes in all,
 * against 256 when one handler captured the policy, the function, the clock and all three
 * arguments (bench/README.md).
 */
export type RejectionHandlers = (
  thisArg: unknown,
  startedAt: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
) => (error: unknown) => Promise<unknown>;

export function createRejectionHandlers(retryRejected: RetryRejectedCall): RejectionHandlers {
  const withoutArguments = (thisArg: unknown) => (error: unknown) =>
    retryRejected(thisArg, 0, [], error);
  const withOneArgument = (thisArg: unknown, first: unknown) => (error: unknown) =>
    retryRejected(thisArg, 0, [first], error);
  const withTwoArguments =
    (thisArg: unknown, first: unknown, second: unknown) => (error: unknown) =>
      retryRejected(thisArg, 0, [first, second], error);
  const withAnyArguments =
    (
      thisArg: unknown,
      startedAt: number,
      count: number,
      first: unknown,
      second: unknown,
      third: unknown,
    ) =>
    (error: unknown) =>
      retryRejected(thisArg, startedAt, listArguments(count, first, second, third), error);
  // startedAt is 0 unless the policy has a deadline (callStartTime).
  return (thisArg, startedAt, count, first, second, third) => {
    if (startedAt === 0) {
      if (count === 1) return withOneArgument(thisArg, first);
      if (count === 0) return withoutArguments(thisArg);
      if (count === 2) return withTwoArguments(thisArg, first, second);
    }
    return withAnyArguments(thisArg, startedAt, count, first, second, third);
  };
}

/** Goes on with a guarded call whose first attempt rejected; made once per retrying function. */
export type ContinueRejectedCall = (
  thisArg: unknown,
  startedAt: number,
  ticket: number,
  args: readonly unknown[],
  error: unknown,
) => unknown;

/** As `RejectionHandlers`, for a call through a `firstAttemptGuard`: it also keeps the ticket. */
export type GuardedRejectionHandlers = (
  thisArg: unknown,
  startedAt: number,
  ticket: number,
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
) => (error: unknown) => unknown;

export function createGuardedRejectionHandlers(
  continueRejected: ContinueRejectedCall,
): GuardedRejectionHandlers {
  const withOneArgument = (thisArg: unknown, ticket: number, first: unknown) => (error: unknown) =>
    continueRejected(thisArg, 0, ticket, [first], error);
  const withAnyArguments =
    (
      thisArg: unknown,
      startedAt: number,
      ticket: number,
      count: number,
      first: unknown,
      second: unknown,
      third: unknown,
    ) =>
    (error: unknown) =>
      continueRejected(
        thisArg,
        startedAt,
        ticket,
        listArguments(count, first, second, third),
        error,
      );
  return (thisArg, startedAt, ticket, count, first, second, third) =>
    startedAt === 0 && count === 1
      ? withOneArgument(thisArg, ticket, first)
      : withAnyArguments(thisArg, startedAt, ticket, count, first, second, third);
}
