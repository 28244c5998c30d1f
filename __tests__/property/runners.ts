import {
  Retry,
  RetryOnRateLimit,
  retryable,
  withRetry,
  type RateLimitOptions,
  type RetryOptions,
} from '../../src';
import { errorOf, type AttemptStep, type LaneBackoff } from './arbitraries';
import type { Recording } from './recording';

// The retrying calls the properties drive: the functional forms and decorated methods (both
// decorator orders), all given the same lanes, the same scripted target and recording callbacks.

/** A lane as configured: its options, or undefined when the call has no such lane. */
export interface Lanes {
  readonly retry: (LaneBackoff & { readonly deadline?: number }) | undefined;
  readonly rateLimit: (LaneBackoff & { readonly deadline?: number }) | undefined;
}

export interface Scenario {
  readonly script: readonly AttemptStep[];
  readonly lanes: Lanes;
  readonly retryDraws: readonly number[];
  readonly rateLimitDraws: readonly number[];
}

export type Runner = (scenario: Scenario, recording: Recording, attempt: () => unknown) => unknown;

export function laneOptions(scenario: Scenario, recording: Recording) {
  const { lanes } = scenario;
  return {
    retry:
      lanes.retry &&
      ({ ...lanes.retry, ...recording.callbacksOf('retry', scenario.retryDraws) } as RetryOptions),
    rateLimit:
      lanes.rateLimit &&
      ({
        ...lanes.rateLimit,
        ...recording.callbacksOf('rateLimit', scenario.rateLimitDraws),
      } as RateLimitOptions),
  };
}

function decoratedCall(
  scenario: Scenario,
  recording: Recording,
  attempt: () => unknown,
  rateLimitOnTop: boolean,
): unknown {
  const { retry, rateLimit } = laneOptions(scenario, recording);
  if (retry && rateLimit && rateLimitOnTop) {
    class Service {
      @RetryOnRateLimit(rateLimit)
      @Retry(retry)
      call(): unknown {
        return attempt();
      }
    }
    return new Service().call();
  }
  if (retry && rateLimit) {
    class Service {
      @Retry(retry)
      @RetryOnRateLimit(rateLimit)
      call(): unknown {
        return attempt();
      }
    }
    return new Service().call();
  }
  if (retry) {
    class Service {
      @Retry(retry)
      call(): unknown {
        return attempt();
      }
    }
    return new Service().call();
  }
  class Service {
    @RetryOnRateLimit(rateLimit)
    call(): unknown {
      return attempt();
    }
  }
  return new Service().call();
}

/** The functional forms always have a retry lane (the defaults when none is configured). */
function functionalOptions(scenario: Scenario, recording: Recording) {
  const { retry, rateLimit } = laneOptions(scenario, recording);
  return {
    ...(retry ?? recording.callbacksOf('retry', scenario.retryDraws)),
    ...(rateLimit && { rateLimit }),
  };
}

export const asynchronousRunners: readonly (readonly [string, Runner])[] = [
  [
    'withRetry',
    (scenario, recording, attempt) => withRetry(attempt, functionalOptions(scenario, recording)),
  ],
  [
    'retryable',
    (scenario, recording, attempt) => retryable(attempt, functionalOptions(scenario, recording))(),
  ],
  [
    'a method with @Retry above @RetryOnRateLimit',
    (scenario, recording, attempt) => decoratedCall(scenario, recording, attempt, false),
  ],
  [
    'a method with @RetryOnRateLimit above @Retry',
    (scenario, recording, attempt) => decoratedCall(scenario, recording, attempt, true),
  ],
];

export const isFunctional = (name: string): boolean => name === 'withRetry' || name === 'retryable';

export function effectiveLanes(runnerName: string, lanes: Lanes): Lanes {
  return isFunctional(runnerName) ? { ...lanes, retry: lanes.retry ?? {} } : lanes;
}

/**
 * The target of a scripted call: records when each call starts, takes `durations[call - 1]` ms of
 * fake time (default 0), then fails as the script says or returns a value. `thrown` collects the errors.
 */
export function scriptedAttempt(
  script: readonly AttemptStep[],
  recording: Recording,
  thrown: unknown[],
  durations: readonly number[] = [],
): () => Promise<string> {
  return async () => {
    recording.callTimes.push(Date.now());
    const call = recording.calls;
    jest.setSystemTime(Date.now() + (durations[call - 1] ?? 0));
    const step = script[call - 1] ?? 'ok';
    if (step === 'ok') return `value of call ${call}`;
    const error = errorOf(step, call);
    thrown.push(error);
    throw error;
  };
}
