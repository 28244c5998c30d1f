import { getEventListeners } from 'node:events';
import { HttpError, Retry } from '../../src';
import { thrownBy } from '../decorators/failure-script';
import { cancellableCalls, ControlledOperation, settlementOf, track } from './controlled-operation';

// Abort at every point of a call's life, at every entry point, with jest's fake timers. The rule:
// the first attempt always runs; the signal is looked at after a failure; an abort during a sleep
// rejects at once. The call rejects with the signal's reason itself, and leaves no timer and no
// listener behind.

const slow = { jitter: 'none', initialDelay: 1000, maxAttempts: 5 } as const;

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

const reasons: ReadonlyArray<readonly [string, () => AbortController]> = [
  ['the default AbortError', () => new AbortController()],
  ['a custom Error', () => withReason(new Error('user closed the tab'))],
  ['a string', () => withReason('shutting down')],
  ['a plain object', () => withReason({ why: 'deadline of the caller' })],
];

/** A controller whose abort() uses `reason`. */
function withReason(reason: unknown): AbortController {
  const controller = new AbortController();
  const abort = controller.abort.bind(controller);
  controller.abort = () => abort(reason);
  return controller;
}

function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

describe.each(cancellableCalls)('%s', (_entryPoint, call) => {
  describe.each(reasons)('aborted with %s', (_reason, makeController) => {
    it('before the call: the first attempt still runs, its failure rejects with the reason, no retry', async () => {
      const controller = makeController();
      controller.abort();
      const operation = new ControlledOperation();
      const promise = call(operation, controller.signal, slow);
      const outcome = expect(promise).rejects.toBe(controller.signal.reason);
      await jest.advanceTimersByTimeAsync(0);
      await outcome;
      expect(operation.attempts).toBe(1);
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('before the call: a first attempt that succeeds resolves, the abort is not looked at', async () => {
      const controller = makeController();
      controller.abort();
      const operation = new ControlledOperation();
      operation.mode = 'succeed';
      await expect(call(operation, controller.signal, slow)).resolves.toBe(operation.result);
      expect(operation.attempts).toBe(1);
    });

    it('during an attempt that then fails: rejects with the reason, no sleep, no retry', async () => {
      const controller = makeController();
      const operation = new ControlledOperation();
      operation.mode = 'hold';
      const settlement = settlementOf(call(operation, controller.signal, slow));
      await jest.advanceTimersByTimeAsync(0);
      controller.abort();
      operation.settleHeld('fail');
      await jest.advanceTimersByTimeAsync(0);
      expect(jest.getTimerCount()).toBe(0);
      const { rejected, value } = await settlement;
      expect(rejected).toBe(true);
      expect(value).toBe(controller.signal.reason);
      expect(operation.attempts).toBe(1);
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('during an attempt that then succeeds: resolves with its result', async () => {
      const controller = makeController();
      const operation = new ControlledOperation();
      operation.mode = 'hold';
      const promise = call(operation, controller.signal, slow);
      await jest.advanceTimersByTimeAsync(0);
      controller.abort();
      operation.settleHeld('succeed');
      await expect(promise).resolves.toBe(operation.result);
      expect(operation.attempts).toBe(1);
    });

    it('during a sleep: rejects at once with the reason, clears the timer and the listener, no further attempt', async () => {
      const controller = makeController();
      const operation = new ControlledOperation();
      const promise = call(operation, controller.signal, slow);
      const progress = track(promise);
      await jest.advanceTimersByTimeAsync(1500); // attempt 2 failed; sleeping 2000 ms before attempt 3
      expect(operation.attempts).toBe(2);
      expect(jest.getTimerCount()).toBe(1);
      expect(abortListeners(controller.signal)).toBe(1);

      controller.abort();
      await jest.advanceTimersByTimeAsync(0); // microtasks only: no fake time passes
      expect(progress.settled()).toBe(true);
      await expect(promise).rejects.toBe(controller.signal.reason);
      expect(jest.getTimerCount()).toBe(0);
      expect(abortListeners(controller.signal)).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(operation.attempts).toBe(2);
    });

    it('after the call settled: changes nothing and leaves no listener', async () => {
      const controller = makeController();
      const operation = new ControlledOperation();
      const promise = call(operation, controller.signal, slow);
      await jest.advanceTimersByTimeAsync(0);
      operation.mode = 'succeed';
      await jest.advanceTimersByTimeAsync(1000);
      await expect(promise).resolves.toBe(operation.result);
      expect(abortListeners(controller.signal)).toBe(0);
      controller.abort();
      await expect(promise).resolves.toBe(operation.result);
      expect(operation.attempts).toBe(2);
    });
  });
});

it('the default reason is a DOMException named AbortError', () => {
  const controller = new AbortController();
  controller.abort();
  expect(controller.signal.reason).toBeInstanceOf(DOMException);
  expect(controller.signal.reason).toHaveProperty('name', 'AbortError');
});

describe('a synchronous method', () => {
  // Its retries block (Atomics.wait), so an abort cannot end a sleep; an already-aborted signal
  // is seen after the first failure, and the reason is thrown synchronously.
  it.each(reasons)(
    'with a signal already aborted with %s: throws the reason after one attempt',
    (_reason, makeController) => {
      const controller = makeController();
      controller.abort();
      let attempts = 0;
      class Reports {
        @Retry({ jitter: 'none', initialDelay: 1, maxAttempts: 5 })
        fetch(_signal: AbortSignal): string {
          attempts += 1;
          throw new HttpError(503);
        }
      }
      const reports = new Reports();
      expect(thrownBy(() => reports.fetch(controller.signal))).toBe(controller.signal.reason);
      expect(attempts).toBe(1);
    },
  );
});
