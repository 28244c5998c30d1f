import fc from 'fast-check';
import { RetryContext, calculateBackoffDelay, retryable, type RetryOptions } from '../../src';
import {
  attemptScript,
  errorOf,
  holds,
  rateLimitLaneBackoff,
  retryLaneBackoff,
  unitDraws,
  type AttemptStep,
  type LaneBackoff,
} from './arbitraries';
import { Recording, settleCall, type LaneName } from './recording';
import {
  asynchronousRunners,
  effectiveLanes,
  laneOptions,
  scriptedAttempt,
  type Lanes,
  type Scenario,
} from './runners';

// Real retrying calls under jest fake timers, driven by a script of attempt outcomes: the number
// of calls, each lane's retries and every delay are checked against a model of the two lanes.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const laneDefaults = {
  retry: { maxAttempts: 3, initialDelay: 1000, maxDelay: 60_000, exponentialBase: 2 },
  rateLimit: { maxAttempts: 5, initialDelay: 2000, maxDelay: 120_000, exponentialBase: 2 },
} as const;

/** Lanes of a decorated method (at least one) or of a functional form (a retry lane always). */
const lanesArbitrary = fc
  .record({
    retry: fc.option(retryLaneBackoff, { nil: undefined }),
    rateLimit: fc.option(rateLimitLaneBackoff, { nil: undefined }),
  })
  .filter((lanes) => lanes.retry !== undefined || lanes.rateLimit !== undefined);

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  script: attemptScript,
  lanes: lanesArbitrary,
  retryDraws: unitDraws,
  rateLimitDraws: unitDraws,
});

interface Expected {
  readonly calls: number;
  readonly succeeded: boolean;
  readonly retries: Readonly<Record<LaneName, number>>;
}

/**
 * The model (DESIGN.md, semantics): a failure goes to the rate-limit lane if it is a rate limit and
 * that lane exists, else to the retry lane if retryable (a 429 is RETRYABLE); a lane with
 * maxAttempts m retries its first m-1 failures and gives up on the m-th; attempts past the script succeed.
 */
function expectedRun(script: readonly AttemptStep[], lanes: Lanes): Expected {
  const caps = {
    retry: lanes.retry && (lanes.retry.maxAttempts ?? 3),
    rateLimit: lanes.rateLimit && (lanes.rateLimit.maxAttempts ?? 5),
  };
  const retries = { retry: 0, rateLimit: 0 };
  for (let call = 1; ; call += 1) {
    const step = script[call - 1] ?? 'ok';
    if (step === 'ok') return { calls: call, succeeded: true, retries };
    const lane: LaneName | undefined =
      step === 'rateLimit' && caps.rateLimit !== undefined
        ? 'rateLimit'
        : step !== 'fatal' && caps.retry !== undefined
          ? 'retry'
          : undefined;
    if (lane === undefined || retries[lane] + 1 >= caps[lane]!) {
      return { calls: call, succeeded: false, retries };
    }
    retries[lane] += 1;
  }
}

describe.each(asynchronousRunners)('%s', (runnerName, run) => {
  it('makes exactly the calls of the two-lane model, never more than 1 + (retry.maxAttempts-1) + (rateLimit.maxAttempts-1)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (generated) => {
        const scenario = { ...generated, lanes: effectiveLanes(runnerName, generated.lanes) };
        const recording = new Recording();
        const thrown: unknown[] = [];
        const settled = await settleCall(() =>
          run(scenario, recording, scriptedAttempt(scenario.script, recording, thrown)),
        );
        const expected = expectedRun(scenario.script, scenario.lanes);
        const { retry, rateLimit } = scenario.lanes;
        const bound =
          1 +
          (retry ? (retry.maxAttempts ?? 3) - 1 : 0) +
          (rateLimit ? (rateLimit.maxAttempts ?? 5) - 1 : 0);

        holds(
          recording.calls === expected.calls,
          `${recording.calls} calls, the model makes ${expected.calls}`,
        );
        holds(recording.calls <= bound, `${recording.calls} calls exceed the bound ${bound}`);
        for (const lane of ['retry', 'rateLimit'] as const) {
          const laneRetries = recording.retriesOf(lane).length;
          holds(
            laneRetries === expected.retries[lane],
            `${lane} lane retried ${laneRetries} times, the model ${expected.retries[lane]}`,
          );
          const cap = scenario.lanes[lane]?.maxAttempts ?? laneDefaults[lane].maxAttempts;
          holds(
            laneRetries <= cap - 1,
            `${lane} lane retried ${laneRetries} times with maxAttempts ${cap}`,
          );
        }
        // onRetry is told the attempt that failed, 1, 2, 3, ... across both lanes.
        holds(
          recording.retries.every(
            (retry, index) => retry.attempt === index + 1 && retry.error === thrown[index],
          ),
          'onRetry got attempts or errors out of order',
        );
        if (expected.succeeded) {
          holds(
            !settled.failed && settled.value === `value of call ${expected.calls}`,
            'the call did not resolve with the last value',
          );
          holds(recording.giveUps.length === 0, 'onGiveUp ran for a call that succeeded');
        } else {
          // The last error itself, not a wrapper; onGiveUp once, with the attempts made.
          holds(
            settled.failed && settled.error === thrown[thrown.length - 1],
            'the call did not reject with the last error',
          );
          holds(recording.giveUps.length === 1, `onGiveUp ran ${recording.giveUps.length} times`);
          holds(
            recording.giveUps[0].attempts === recording.calls &&
              recording.giveUps[0].error === settled.error,
            'onGiveUp got the wrong arguments',
          );
        }
      }),
      { numRuns: 120 },
    );
  });

  it('sleeps each delay exactly, in [0, maxDelay] of its lane; without jitter the delay is calculateBackoffDelay of the lane failure', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (generated) => {
        const scenario = { ...generated, lanes: effectiveLanes(runnerName, generated.lanes) };
        const recording = new Recording();
        await settleCall(() =>
          run(scenario, recording, scriptedAttempt(scenario.script, recording, [])),
        );

        for (const lane of ['retry', 'rateLimit'] as const) {
          const options: Required<Omit<LaneBackoff, 'jitter'>> & LaneBackoff = {
            ...laneDefaults[lane],
            ...scenario.lanes[lane],
          };
          recording.retriesOf(lane).forEach((retry, index) => {
            holds(
              Number.isFinite(retry.delay) && retry.delay >= 0 && retry.delay <= options.maxDelay,
              `${lane} delay ${retry.delay} outside [0, ${options.maxDelay}]`,
            );
            if (options.jitter === 'none' || options.jitter === false) {
              const { initialDelay, maxDelay, exponentialBase } = options;
              const unjittered = calculateBackoffDelay(index + 1, {
                initialDelay,
                maxDelay,
                exponentialBase,
                jitter: 'none',
              });
              holds(
                retry.delay === unjittered,
                `${lane} delay ${retry.delay} after lane failure ${index + 1}, expected ${unjittered}`,
              );
            }
          });
        }
        // The next attempt starts when the sleep is over: no sooner, no later.
        recording.retries.forEach((retry) => {
          const nextCall = recording.callTimes[retry.attempt];
          holds(
            nextCall - retry.at === retry.delay,
            `slept ${nextCall - retry.at} ms for a delay of ${retry.delay}`,
          );
        });
      }),
      { numRuns: 80 },
    );
  });
});

describe('a synchronous function under retryable', () => {
  it('stays synchronous and makes exactly the calls of the model (delays 0: nothing blocks)', () => {
    fc.assert(
      fc.property(scenarioArbitrary, (generated) => {
        // Atomics.wait is real time: with both delays 0 nothing waits.
        const instant = (lane: LaneBackoff | undefined): LaneBackoff | undefined =>
          lane && { ...lane, initialDelay: 0, maxDelay: 0 };
        const lanes = {
          retry: instant(generated.lanes.retry) ?? { initialDelay: 0, maxDelay: 0 },
          rateLimit: instant(generated.lanes.rateLimit),
        };
        const scenario = { ...generated, lanes };
        const recording = new Recording();
        const { retry, rateLimit } = laneOptions(scenario, recording);
        let calls = 0;
        const attempt = (): string => {
          calls += 1;
          const step = scenario.script[calls - 1] ?? 'ok';
          if (step === 'ok') return `value of call ${calls}`;
          throw errorOf(step, calls);
        };
        const retrying = retryable(attempt, { ...retry, ...(rateLimit && { rateLimit }) });
        let result: unknown;
        try {
          result = retrying();
        } catch {
          result = undefined;
        }
        const expected = expectedRun(scenario.script, lanes);
        holds(calls === expected.calls, `${calls} calls, the model makes ${expected.calls}`);
        holds(
          expected.succeeded ? result === `value of call ${calls}` : result === undefined,
          `returned ${String(result)}`,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('RetryContext', () => {
  it('yields attempts 1..n with n from the model of its one lane, each getDelay() in [0, maxDelay]', () => {
    fc.assert(
      fc.property(attemptScript, retryLaneBackoff, unitDraws, (script, backoff, draws) => {
        const recording = new Recording();
        const context = new RetryContext({
          ...backoff,
          ...recording.callbacksOf('retry', draws),
        } as RetryOptions);
        const maxDelay = backoff.maxDelay ?? laneDefaults.retry.maxDelay;
        const attempts: number[] = [];
        let outcome: unknown;
        try {
          for (const attempt of context) {
            attempts.push(attempt);
            const step = script[attempt - 1] ?? 'ok';
            if (step === 'ok') {
              outcome = 'ok';
              break;
            }
            context.recordFailure(errorOf(step, attempt));
            const delay = context.getDelay();
            holds(delay >= 0 && delay <= maxDelay, `getDelay() ${delay} outside [0, ${maxDelay}]`);
          }
        } catch (error) {
          outcome = error;
        }
        const expected = expectedRun(script, { retry: backoff, rateLimit: undefined });
        holds(
          attempts.length === expected.calls,
          `${attempts.length} attempts, the model makes ${expected.calls}`,
        );
        holds(
          attempts.every((attempt, index) => attempt === index + 1),
          `attempts ${attempts.join(',')}`,
        );
        holds(attempts.length <= (backoff.maxAttempts ?? 3), 'more attempts than maxAttempts');
        holds(expected.succeeded === (outcome === 'ok'), `ended with ${String(outcome)}`);
      }),
      { numRuns: 200 },
    );
  });
});
