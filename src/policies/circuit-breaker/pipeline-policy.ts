import type { Outcome } from '../../core/outcome';
import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import { preparedFromOptions, type PolicyRegistration } from '../../core/policy-registry';
import { mergeOwnKeys } from '../../policy/own-keys';
import { ErrorCategory } from '../../classify/error-category';
import { isAbortOfCall } from '../../core/abort-signal';
import { keepAsCause } from '../../core/user-callback';
import { describeValue } from '../../policy/describe-value';
import { now } from '../clock';
import { Breaker, isBreaker } from './breaker';
import { validateCircuitBreakerOptions } from './options';

/**
 * A breaker in the pipeline, around every attempt (retries included). Per call it keeps the
 * circuit's key (from `key(this, args)`, computed once) and the running attempt's ticket in the
 * call's slots. The retry loop asks it before each retry: when the circuit has opened and its
 * break outlasts the wait the loop was about to make, the retry is not made and the call ends with
 * its last real error; a retry that finds the circuit open after its wait ends the same way. Only a
 * first attempt fails with the breaker's refusal (`BrokenCircuitError`).
 */
export function circuitBreakerPolicy(breaker: Breaker): PipelinePolicy {
  // One circuit and no duration: the ticket is all a first attempt needs (pipeline.ts).
  return breaker.options.key === undefined && breaker.options.slowCallDuration === undefined
    ? new TicketedCircuitBreakerPolicy(breaker)
    : new CircuitBreakerPolicy(breaker);
}

/**
 * Classes, not object literals of closures: every breaker's policy then calls the same functions,
 * which V8 inlines where one call site sees many breakers (several classes behind one call site),
 * as it does not inline one of many closures of one function literal (fast-path/README.md).
 */
class CircuitBreakerPolicy implements PipelinePolicy {
  readonly kind = 'circuit-breaker';
  readonly callStateSlots = 2;
  readonly measuresAttempts: boolean;
  slot = 0;
  readonly #keyOf: ((thisArg: unknown, args: readonly unknown[]) => string) | undefined;

  constructor(readonly target: Breaker) {
    this.#keyOf = target.options.key;
    this.measuresAttempts = target.options.slowCallDuration !== undefined;
  }

  admitAttempt(call: CallRecord): boolean {
    const { slot } = this;
    if (call.attempt === 1 && this.#keyOf !== undefined) {
      call.slots[slot] = keyOfCall(this.#keyOf, call);
    }
    const ticket = this.target.enter(keyFor(call, slot));
    call.slots[slot + 1] = ticket;
    return ticket !== 0;
  }

  refusal(call: CallRecord): unknown {
    return this.target.refusal(keyFor(call, this.slot));
  }

  attemptEnded(call: CallRecord, outcome: Outcome): void {
    const breaker = this.target;
    const { slot } = this;
    const key = keyFor(call, slot);
    const ticket = call.slots[slot + 1] as number;
    // An attempt an inner policy refused never reached the dependency: nothing is counted, and
    // a trial call's place is given back.
    if (outcome.failed && outcome.refused === true) {
      breaker.cancelled(key, ticket);
      return;
    }
    const duration = this.measuresAttempts ? now() - call.attemptStartedAt : 0;
    if (!outcome.failed) {
      // A value that `retryOnResult` retries is the retry lane's kind of failure.
      if (outcome.resultRetried === true) {
        breaker.failed(key, ticket, outcome.value, ErrorCategory.RETRYABLE, duration);
      } else breaker.succeeded(key, ticket, duration);
    } else if (isAbortOf(breaker, call, key, ticket, outcome.error)) {
      breaker.cancelled(key, ticket);
    } else {
      breaker.failed(
        key,
        ticket,
        outcome.error,
        categoryOf(breaker, call, key, ticket, outcome.error),
        duration,
      );
    }
  }

  vetoRetry(call: CallRecord, _outcome: Outcome, delay: number): boolean {
    return this.target.remainingBreak(keyFor(call, this.slot)) > delay;
  }
}

/** A breaker without `key` or slow calls: its first attempts run on the fast path with a ticket. */
class TicketedCircuitBreakerPolicy extends CircuitBreakerPolicy {
  #reporterTicket = 0;
  #reporter = <Value>(value: Value): Value => value;

  enterFirstAttempt(): number {
    return this.target.enter(undefined);
  }

  successReporter(ticket: number): <Value>(value: Value) => Value {
    if (ticket !== this.#reporterTicket) {
      this.#reporterTicket = ticket;
      this.#reporter = successReporterFor(this.target, ticket);
    }
    return this.#reporter;
  }

  adoptTicket(call: CallRecord, ticket: number): void {
    call.slots[this.slot + 1] = ticket;
  }
}

/**
 * A failure's category, by the method's classifiers (user code). Should one throw, the attempt is
 * not judged: a trial call's place is given back, and the classifier's error ends the call with the
 * real failure as its cause (user-callback.ts), as when the retry loop classifies.
 */
function categoryOf(
  breaker: Breaker,
  call: CallRecord,
  key: string | undefined,
  ticket: number,
  error: unknown,
): ErrorCategory {
  try {
    return call.pipeline.classify(error);
  } catch (thrown) {
    breaker.cancelled(key, ticket);
    throw keepAsCause(thrown, error);
  }
}

/** Whether the caller aborted the attempt; should the `signal` option throw, the attempt is not judged. */
function isAbortOf(
  breaker: Breaker,
  call: CallRecord,
  key: string | undefined,
  ticket: number,
  error: unknown,
): boolean {
  try {
    return isAbortOfCall(call, error);
  } catch (thrown) {
    breaker.cancelled(key, ticket);
    throw thrown;
  }
}

/**
 * Its own function: a closure made inside `successReporter` would make V8 give that function's
 * `ticket` a context, allocated on every call, even those that return the cached reporter.
 */
function successReporterFor(breaker: Breaker, ticket: number): <Value>(value: Value) => Value {
  return (value) => {
    breaker.succeeded(undefined, ticket, 0);
    return value;
  };
}

/**
 * The call's key by the `key` option (user code: what it throws ends the call). Anything but a
 * string is refused: a number would make a circuit apart from its string's, and one that `toJSON()`
 * reports but `initialState` refuses; an object, a new circuit per call, evicting the others.
 */
function keyOfCall(
  keyOf: (thisArg: unknown, args: readonly unknown[]) => string,
  call: CallRecord,
): string {
  const key: unknown = keyOf(call.thisArg, call.args);
  if (typeof key !== 'string') {
    throw new TypeError(
      `CircuitBreaker option "key" returned ${describeValue(key)}; it must return a string`,
    );
  }
  return key;
}

function keyFor(call: CallRecord, slot: number): string | undefined {
  return call.slots[slot] as string | undefined;
}

export const circuitBreakerRegistration: PolicyRegistration = {
  kind: 'circuit-breaker',
  guardsFirstAttempt: true,
  optionKey: 'circuitBreaker',
  prepare(value, source) {
    if (isBreaker(value)) return value;
    validateCircuitBreakerOptions(value, source); // names the option in `source`'s words
    const options = mergeOwnKeys<ConstructorParameters<typeof Breaker>[0] & object>(
      value as object,
    );
    return preparedFromOptions(new Breaker(options), options);
  },
  validateMerged: (options, source) => void validateCircuitBreakerOptions(options, source),
  create(setting) {
    return setting === undefined ? undefined : circuitBreakerPolicy(setting as Breaker);
  },
};
