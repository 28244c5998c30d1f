import { getEventListeners } from 'node:events';
import { cancellableCalls, ControlledOperation, settlementOf } from './controlled-operation';

// The promise of abort-fake-timers, checked against what Node itself holds: real timers (fake ones
// are invisible to process.getActiveResourcesInfo) and the signal's real listeners. The sleeps are
// long, but every test aborts them within a few event-loop turns, or sleeps 2 ms.
//
// Timers are counted for the whole process, and when jest runs a file in band its reporter's own
// timer comes and goes: counts are compared within one timer of the expected number, and each test
// runs enough calls that a leak (one timer per call) stands out. Listener counts are exact.

const sleepingLong = { jitter: 'none', initialDelay: 5000, maxAttempts: 3 } as const;
const sleepingBriefly = { jitter: 'none', initialDelay: 2, maxAttempts: 3 } as const;
const callsPerTest = 10;

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** Lets the event loop turn until `condition` holds; fails after `milliseconds`. */
async function until(
  description: string,
  condition: () => boolean,
  milliseconds = 2000,
): Promise<void> {
  const giveUpAt = Date.now() + milliseconds;
  while (!condition()) {
    if (Date.now() > giveUpAt) {
      throw new Error(`still not true after ${milliseconds} ms: ${description}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function untilTimeoutsNear(expected: number): Promise<void> {
  return until(
    `about ${expected} active timers (now ${activeTimeouts()})`,
    () => Math.abs(activeTimeouts() - expected) <= 1,
  );
}

/** Controllers of the running test, aborted afterwards so that a failed test leaves no sleep behind. */
const controllers: AbortController[] = [];

function newController(): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  return controller;
}

afterEach(() => {
  for (const controller of controllers.splice(0)) controller.abort();
});

describe.each(cancellableCalls)('%s', (_entryPoint, call) => {
  it('holds a timer and a listener while it sleeps, and neither once an abort ended the sleep', async () => {
    const timersBefore = activeTimeouts();
    const reason = new Error('cancelled');
    const runs = Array.from({ length: callsPerTest }, () => {
      const controller = newController();
      const operation = new ControlledOperation();
      return {
        controller,
        operation,
        settlement: settlementOf(call(operation, controller.signal, sleepingLong)),
      };
    });
    await until('every call is sleeping', () =>
      runs.every(({ controller }) => abortListeners(controller.signal) === 1),
    );
    await untilTimeoutsNear(timersBefore + callsPerTest);

    for (const { controller } of runs) controller.abort(reason);
    for (const { controller, operation, settlement } of runs) {
      const { rejected, value } = await settlement;
      expect(rejected).toBe(true);
      expect(value).toBe(reason);
      expect(abortListeners(controller.signal)).toBe(0);
      expect(operation.attempts).toBe(1);
    }
    await untilTimeoutsNear(timersBefore);
  });

  it('holds neither a timer nor a listener after it settled by itself', async () => {
    const timersBefore = activeTimeouts();
    const runs = Array.from({ length: callsPerTest }, () => {
      const controller = newController();
      const operation = new ControlledOperation();
      operation.mode = 'fail once';
      return {
        controller,
        operation,
        settlement: settlementOf(call(operation, controller.signal, sleepingBriefly)),
      };
    });
    for (const { controller, operation, settlement } of runs) {
      const { rejected, value } = await settlement;
      expect(rejected).toBe(false);
      expect(value).toBe(operation.result);
      expect(operation.attempts).toBe(2);
      expect(abortListeners(controller.signal)).toBe(0);
    }
    await untilTimeoutsNear(timersBefore);
  });

  it('holds neither when the signal was aborted before the call', async () => {
    const timersBefore = activeTimeouts();
    const signals = Array.from({ length: callsPerTest }, () => AbortSignal.abort());
    const settlements = signals.map((signal) =>
      settlementOf(call(new ControlledOperation(), signal, sleepingLong)),
    );
    for (const [index, settlement] of settlements.entries()) {
      const { rejected, value } = await settlement;
      expect(rejected).toBe(true);
      expect(value).toBe(signals[index].reason);
      expect(abortListeners(signals[index])).toBe(0);
    }
    await untilTimeoutsNear(timersBefore);
  });
});

describe('1,000 calls sleeping on one shared signal', () => {
  const calls = 1000;

  it('hold a timer each and one listener on the signal; one abort rejects them all with the reason and frees everything', async () => {
    const timersBefore = activeTimeouts();
    const controller = newController();
    const emitWarning = jest.spyOn(process, 'emitWarning');
    const operations = Array.from({ length: calls }, () => new ControlledOperation());
    const settlements = operations.map((operation, index) => {
      const [, call] = cancellableCalls[index % cancellableCalls.length];
      return settlementOf(call(operation, controller.signal, sleepingLong));
    });
    await untilTimeoutsNear(timersBefore + calls);
    // One listener wakes every sleep on the signal (src/core/sleep.ts): no O(n²) registration,
    // and no MaxListenersExceededWarning however many calls share it.
    expect(abortListeners(controller.signal)).toBe(1);
    expect(
      emitWarning.mock.calls.filter(([warning]) =>
        String(warning).includes('MaxListenersExceeded'),
      ),
    ).toEqual([]);
    emitWarning.mockRestore();

    const reason = { why: 'shutting down' };
    controller.abort(reason);
    const outcomes = await Promise.all(settlements);
    expect(outcomes.filter((outcome) => outcome.rejected && outcome.value === reason)).toHaveLength(
      calls,
    );
    expect(abortListeners(controller.signal)).toBe(0);
    expect(operations.every((operation) => operation.attempts === 1)).toBe(true);
    await untilTimeoutsNear(timersBefore);
  });
});
