import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { clearTimeout as clearRealTimer, setTimeout as setRealTimer } from 'node:timers';
import { setTimeout as realSleep } from 'node:timers/promises';
import type { ExampleMain } from '../examples/example';
import { requestsOnHold } from '../examples/servers/requests-on-hold';

/**
 * Examples whose outcome depends on when their calls are made or how long they wait (a rate limit
 * counts turns from the clock, a break or a time limit must outlast what happens meanwhile, a hedge
 * must wait for no answer but a slow one): `examples-on-fake-clock.test.ts` runs them on jest's
 * fake clock, where they see the same times however loaded the machine is; `examples.test.ts` the
 * others.
 */
export const examplesOnFakeClock: ReadonlySet<string> = new Set([
  'vector-search-timeouts',
  'circuit-breaker',
  'rate-limit',
  'attempt-timeout',
  'hedged-requests',
  'production-service',
]);

/**
 * Runs `main` with jest's fake timers installed (by the caller, before the example's first
 * request), so that its waits cost no real time. Virtual time stands still while a request is in
 * flight (undici's, or the Bedrock client's from `send()` until it settles) unless a local server
 * holds it on purpose (a scripted delay or hang): then only time can move it on. Otherwise, once
 * real work is done, the clock jumps to the next timer, one timer at a time, so a timer that starts
 * a request never lets time run on while the request is under way. `AbortSignal.timeout`, which
 * runs on Node's internal timers, follows the fake clock too while `main` runs.
 *
 * It gives up after `realTimeLimitMs` of real time (jest's default test timeout): the test fails
 * then, rather than this loop running on after jest has timed the test out, and the run with it.
 */
export async function runOnFakeClock(
  main: ExampleMain,
  { realTimeLimitMs = 5_000 }: { readonly realTimeLimitMs?: number } = {},
): Promise<string[]> {
  const requests = trackRequestsInFlight();
  const timeoutSignals = timeoutSignalsOnFakeClock();
  let outOfTime = false;
  const limit = setRealTimer(() => {
    outOfTime = true;
  }, realTimeLimitMs);
  try {
    const printed: string[] = [];
    let ended = false;
    const run = main((line) => printed.push(line)).finally(() => {
      ended = true;
    });
    // Handled here at once, rethrown by the `await` below: an example that fails early is the
    // test's failure, not an unhandled rejection while the loop waits.
    run.catch(() => undefined);
    while (!ended) {
      if (outOfTime) {
        throw new Error(
          `the example did not end within ${realTimeLimitMs} ms of real time; requests in ` +
            `flight: ${requests.inFlight()}, held by a local server: ${requestsOnHold()}`,
        );
      }
      await realSleep(1);
      if (requests.inFlight() > requestsOnHold()) continue;
      await jest.advanceTimersToNextTimerAsync();
    }
    await run;
    return printed;
  } finally {
    clearRealTimer(limit);
    requests.stop();
    timeoutSignals.mockRestore();
  }
}

/** Counts undici's requests (through its diagnostics channels) and the Bedrock client's sends. */
function trackRequestsInFlight(): { inFlight(): number; stop(): void } {
  const undiciRequests = new Set<unknown>();
  const onCreate = (message: unknown) =>
    undiciRequests.add((message as { request: unknown }).request);
  const onEnd = (message: unknown) =>
    undiciRequests.delete((message as { request: unknown }).request);
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:trailers', onEnd);
  subscribe('undici:request:error', onEnd);

  let sends = 0;
  const send = BedrockRuntimeClient.prototype.send as (
    this: BedrockRuntimeClient,
    ...args: unknown[]
  ) => Promise<unknown>;
  const sendSpy = jest
    .spyOn(BedrockRuntimeClient.prototype, 'send')
    .mockImplementation(async function (this: BedrockRuntimeClient, ...args: unknown[]) {
      sends += 1;
      try {
        return await send.apply(this, args);
      } finally {
        sends -= 1;
      }
    } as typeof BedrockRuntimeClient.prototype.send);

  return {
    inFlight: () => undiciRequests.size + sends,
    stop() {
      unsubscribe('undici:request:create', onCreate);
      unsubscribe('undici:request:trailers', onEnd);
      unsubscribe('undici:request:error', onEnd);
      sendSpy.mockRestore();
    },
  };
}

/**
 * Makes `AbortSignal.timeout(ms)` abort on the global `setTimeout`, as Node's does on its own timers
 * (which jest does not fake), with the same `TimeoutError`.
 */
function timeoutSignalsOnFakeClock(): jest.SpyInstance<AbortSignal, [number]> {
  return jest.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      );
    }, ms);
    return controller.signal;
  });
}
