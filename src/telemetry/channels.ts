import { channel, type Channel } from 'node:diagnostics_channel';
import type { ErrorCategory } from '../classify/error-category';
import type { PolicyKind } from '../core/pipeline';
import type { CircuitState } from '../policies/circuit-breaker/options';

/**
 * What every message about a call names: the class and the method (or the function) it belongs
 * to. For a decorated method, `className` is the name of the class of `this` the method's policies
 * were compiled for (a subclass that adds no decorator of its own shares its base class's); for
 * `retryable` and `withRetry` it is undefined and `method` names the function (`withRetry` for a
 * `withRetry` call); `ResilientBedrock`'s four methods share one pipeline, named
 * `ResilientBedrock` and `send`.
 */
export interface CallIdentity {
  readonly className: string | undefined;
  readonly method: string;
}

/**
 * Why a call stopped retrying: `'not-retryable'` (no lane retries the failure: its category,
 * `retryOn`, no lane at all), `'exhausted'` (the lane's `maxAttempts`, or the next wait would pass
 * the `deadline`), `'refused'` (a policy refused an attempt: the first one, an open circuit or a
 * rate limiter failing the call fast, with `attempts` 0 and `policy` naming it; or the retry's once
 * its wait was over: a circuit open by then, a rate limiter with no turn within `maxWait`), or the
 * kind of the policy that vetoed the retry (`'budget'`: the retry budget refused it;
 * `'circuit-breaker'`: the circuit opened for longer than the wait).
 */
export type GiveUpReason = 'not-retryable' | 'exhausted' | 'refused' | PolicyKind;

/** `tenacious:retry`: a failed attempt is retried after `delay` ms (published before the wait). */
export interface RetryMessage extends CallIdentity {
  /** The attempt that failed, counting from 1. */
  readonly attempt: number;
  readonly delay: number;
  /** The lane that grants the retry. */
  readonly lane: 'retry' | 'rateLimit';
  /** The failure's category; undefined when `retryOnResult` asked to retry a returned value. */
  readonly category: ErrorCategory | undefined;
  /** The failure (or the returned value that `retryOnResult` retries). */
  readonly error: unknown;
}

/** `tenacious:give-up`: a call ends with its last failure (not for the caller's own abort). */
export interface GiveUpMessage extends CallIdentity {
  /** Attempts made, the last one included. */
  readonly attempts: number;
  readonly reason: GiveUpReason;
  readonly category: ErrorCategory | undefined;
  /** The error the call rejects with (or the value `retryOnResult` kept rejecting). */
  readonly error: unknown;
  /** For a call refused before its first attempt (`attempts` 0): the kind of policy that refused it. */
  readonly policy?: PolicyKind;
}

/** `tenacious:success`: a call that needed retries succeeded. Never published for a first attempt. */
export interface SuccessMessage extends CallIdentity {
  /** Attempts made, the successful one included (at least 2). */
  readonly attempts: number;
}

/** `tenacious:circuit-state`: a breaker's circuit changed state. */
export interface CircuitStateMessage {
  /** The `Breaker` (typed `object` so that this module needs nothing of it at run time). */
  readonly breaker: object;
  /** The circuit's key, for a keyed breaker; undefined for the breaker's own circuit. */
  readonly key: string | undefined;
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/** `tenacious:budget-exhausted`: the retry budget refused a retry; the call gives up. */
export interface BudgetExhaustedMessage extends CallIdentity {
  /** The `RetryBudget` that refused, when the policy names it. */
  readonly budget: object | undefined;
  /** The attempt that failed and would have been retried. */
  readonly attempt: number;
  /** The wait the retry would have had. */
  readonly delay: number;
  readonly category: ErrorCategory | undefined;
  readonly error: unknown;
}

/** `tenacious:concurrency-rejected` (`@ConcurrencyLimit`): a call was refused. */
export interface ConcurrencyRejectedMessage extends CallIdentity {
  readonly limiter: object;
  readonly error: unknown;
}

/** `tenacious:rate-limited` (`@RateLimit`): an attempt could not get its turn. */
export interface RateLimitedMessage extends CallIdentity {
  readonly limiter: object;
  readonly attempt: number;
  readonly error: unknown;
}

/** `tenacious:hedge` (`@Hedge`): a hedged attempt started. */
export interface HedgeMessage extends CallIdentity {
  /** The hedged attempt's number, counting from 1. */
  readonly attempt: number;
  /** How long the attempts before it had run when it started. */
  readonly delay: number;
}

/** The message type of each channel, by name. */
export interface TenaciousChannelMessages {
  'tenacious:retry': RetryMessage;
  'tenacious:give-up': GiveUpMessage;
  'tenacious:success': SuccessMessage;
  'tenacious:circuit-state': CircuitStateMessage;
  'tenacious:budget-exhausted': BudgetExhaustedMessage;
  'tenacious:concurrency-rejected': ConcurrencyRejectedMessage;
  'tenacious:rate-limited': RateLimitedMessage;
  'tenacious:hedge': HedgeMessage;
}

export type TenaciousChannelName = keyof TenaciousChannelMessages;

/** Every channel's name, in the order of the README's table. */
export const channelNames: readonly TenaciousChannelName[] = [
  'tenacious:retry',
  'tenacious:give-up',
  'tenacious:success',
  'tenacious:circuit-state',
  'tenacious:budget-exhausted',
  'tenacious:concurrency-rejected',
  'tenacious:rate-limited',
  'tenacious:hedge',
];

/** A channel whose `publish` takes its own message type. */
export interface TypedChannel<Message> extends Channel {
  publish(message: Message): void;
}

function channelOf<Name extends TenaciousChannelName>(
  name: Name,
): TypedChannel<TenaciousChannelMessages[Name]> {
  return channel(name) as TypedChannel<TenaciousChannelMessages[Name]>;
}

// Held here for the life of the process: `hasSubscribers` on them is one property load, and
// `diagnostics_channel.channel(name)` elsewhere returns these same objects.
export const retryChannel = channelOf('tenacious:retry');
export const giveUpChannel = channelOf('tenacious:give-up');
export const successChannel = channelOf('tenacious:success');
export const circuitStateChannel = channelOf('tenacious:circuit-state');
export const budgetExhaustedChannel = channelOf('tenacious:budget-exhausted');
/** Published by `@ConcurrencyLimit` when it refuses a call. */
export const concurrencyRejectedChannel = channelOf('tenacious:concurrency-rejected');
/** Published by `@RateLimit` when it refuses an attempt. */
export const rateLimitedChannel = channelOf('tenacious:rate-limited');
/** Published by `@Hedge` when a hedged attempt starts. */
export const hedgeChannel = channelOf('tenacious:hedge');
