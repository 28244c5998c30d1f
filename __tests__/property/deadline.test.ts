import fc from 'fast-check';
import type { JitterOption } from '../../src';
import {
  allJitters,
  attemptScript,
  holds,
  rateLimitJitters,
  unitDraws,
  type AttemptStep,
} from './arbitraries';
import { Recording, settleCall } from './recording';
import {
  asynchronousRunners,
  effectiveLanes,
  scriptedAttempt,
  type Lanes,
  type Scenario,
} from './runners';

// A deadline bounds the whole call from the start of its first attempt: a sleep that would end
// past it is never started. Attempts take (fake) time of their own, so the budget runs out between
// and during attempts alike.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function timedLane(jitters: readonly JitterOption[]) {
  return fc
    .record({
      // Infinity is allowed next to a deadline; the script's end (success) still ends the call.
      maxAttempts: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(Infinity)),
      initialDelay: fc.integer({ min: 0, max: 5000 }),
      spread: fc.integer({ min: 0, max: 20_000 }),
      exponentialBase: fc.double({ min: 1, max: 4, minExcluded: true, noNaN: true }),
      jitter: fc.constantFrom(...jitters),
      deadline: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
    })
    .map(({ spread, maxAttempts, deadline, initialDelay, ...rest }) => ({
      ...rest,
      initialDelay,
      maxDelay: initialDelay + spread,
      // The same-object rule: Infinity needs this lane's own deadline.
      maxAttempts: deadline === undefined && maxAttempts === Infinity ? 8 : maxAttempts,
      ...(deadline !== undefined && { deadline }),
    }));
}

const timedScenario = fc
  .record({
    script: attemptScript,
    lanes: fc.record({
      retry: timedLane(allJitters),
      rateLimit: fc.option(timedLane(rateLimitJitters), { nil: undefined }),
    }),
    retryDraws: unitDraws,
    rateLimitDraws: unitDraws,
    durations: fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 17 }),
  })
  .filter(
    ({ lanes }) => lanes.retry.deadline !== undefined || lanes.rateLimit?.deadline !== undefined,
  );

/** The call's budget: the tightest deadline of its lanes. */
function deadlineOf(lanes: Lanes): number {
  return Math.min(lanes.retry?.deadline ?? Infinity, lanes.rateLimit?.deadline ?? Infinity);
}

describe.each(asynchronousRunners)('%s', (runnerName, run) => {
  it('starts no sleep that would end past the deadline, and then settles with the last error or value', async () => {
    await fc.assert(
      fc.asyncProperty(timedScenario, async ({ durations, ...generated }) => {
        const scenario: Scenario = {
          ...generated,
          lanes: effectiveLanes(runnerName, generated.lanes),
        };
        const deadline = deadlineOf(scenario.lanes);
        const recording = new Recording();
        const thrown: unknown[] = [];
        const startedAt = Date.now();
        const settled = await settleCall(() =>
          run(scenario, recording, scriptedAttempt(scenario.script, recording, thrown, durations)),
        );

        for (const retry of recording.retries) {
          const sleepEnds = retry.at + retry.delay - startedAt;
          holds(
            sleepEnds <= deadline,
            `a sleep of ${retry.delay} ms after attempt ${retry.attempt} ends at ${sleepEnds} ms, past the deadline ${deadline}`,
          );
        }
        // Every attempt after a sleep starts within the budget.
        recording.callTimes.slice(1).forEach((time, index) => {
          holds(
            time - startedAt <= deadline,
            `attempt ${index + 2} started at ${time - startedAt} ms, past the deadline ${deadline}`,
          );
        });
        const lastStep: AttemptStep = scenario.script[recording.calls - 1] ?? 'ok';
        if (lastStep === 'ok') {
          holds(
            !settled.failed && settled.value === `value of call ${recording.calls}`,
            'did not resolve with the last value',
          );
        } else {
          holds(
            settled.failed && settled.error === thrown[thrown.length - 1],
            'did not reject with the last error itself',
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
