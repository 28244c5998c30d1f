import type { CallRecord, PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration } from '../../core/policy-registry';
import { ErrorCategory } from '../../classify/error-category';
import { isAbortOfCall } from '../../core/abort-signal';
import { keepAsCause } from '../../core/user-callback';
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
  const keyOf = breaker.options.key;
  const measuresAttempts = breaker.options.slowCallDuration !== undefined;
  const policy: PipelinePolicy = {
    kind: 'circuit-breaker',
    target: breaker,
    callStateSlots: 2,
    measuresAttempts,
    admitAttempt(call) {
      const slot = policy.slot!;
      if (call.attempt === 1 && keyOf !== undefined) {
        call.slots[slot] = keyOf(call.thisArg, call.args);
      }
      const ticket = breaker.enter(keyFor(call, slot));
      call.slots[slot + 1] = ticket;
      return ticket !== 0;
    },
    refusal: (call) => breaker.refusal(keyFor(call, policy.slot!)),
    attemptEnded(call, outcome) {
      const slot = policy.slot!;
      const key = keyFor(call, slot);
      const ticket = call.slots[slot + 1] as number;
      // An attempt an inner policy refused never reached the dependency: nothing is counted, and
      // a trial call's place is given back.
      if (outcome.failed && outcome.refused === true) {
        breaker.cancelled(key, ticket);
        return;
      }
      const duration = measuresAttempts ? now() - call.attemptStartedAt : 0;
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
    },
    vetoRetry: (call, _outcome, delay) =>
      breaker.remainingBreak(keyFor(call, policy.slot!)) > delay,
  };
  if (keyOf === undefined && !measuresAttempts) {
    // One circuit and no duration: the ticket is all a first attempt needs (pipeline.ts).
    let reporterTicket = 0;
    let reporter = <Value>(value: Value): Value => value;
    policy.enterFirstAttempt = () => breaker.enter(undefined);
    policy.successReporter = (ticket) => {
      if (ticket !== reporterTicket) {
        reporterTicket = ticket;
        reporter = successReporterFor(breaker, ticket);
      }
      return reporter;
    };
    policy.adoptTicket = (call, ticket) => {
      call.slots[policy.slot! + 1] = ticket;
    };
  }
  return policy;
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

function keyFor(call: CallRecord, slot: number): string | undefined {
  return call.slots[slot] as string | undefined;
}

export const circuitBreakerRegistration: PolicyRegistration = {
  kind: 'circuit-breaker',
  optionKey: 'circuitBreaker',
  prepare(value, source) {
    if (isBreaker(value)) return value;
    validateCircuitBreakerOptions(value, source); // names the option in `source`'s words
    return new Breaker(value as ConstructorParameters<typeof Breaker>[0]);
  },
  create(setting) {
    return setting === undefined ? undefined : circuitBreakerPolicy(setting as Breaker);
  },
};
