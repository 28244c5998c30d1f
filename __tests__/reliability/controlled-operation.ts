import { HttpError, Retry, RetryContext, retryable, withRetry, type RetryOptions } from '../../src';

/**
 * An operation whose attempts the test steers: each fails with a 503 at once, succeeds at once, or
 * is held open until the test settles it; or the first fails and the others succeed. Counts its
 * attempts.
 */
export class ControlledOperation {
  attempts = 0;
  mode: 'fail' | 'succeed' | 'hold' | 'fail once' = 'fail';
  readonly result = { report: 'done' };
  #held:
    | {
        readonly resolve: (value: { report: string }) => void;
        readonly reject: (error: unknown) => void;
      }
    | undefined;

  run(): Promise<{ report: string }> {
    this.attempts += 1;
    switch (this.mode) {
      case 'fail':
        return Promise.reject(new HttpError(503));
      case 'fail once':
        this.mode = 'succeed';
        return Promise.reject(new HttpError(503));
      case 'succeed':
        return Promise.resolve(this.result);
      case 'hold':
        return new Promise((resolve, reject) => {
          this.#held = { resolve, reject };
        });
    }
  }

  /** Settles the attempt held open: with a 503, or with the result. */
  settleHeld(how: 'fail' | 'succeed'): void {
    if (this.#held === undefined) throw new Error('no attempt is held open');
    if (how === 'fail') this.#held.reject(new HttpError(503));
    else this.#held.resolve(this.result);
    this.#held = undefined;
  }
}

/** Starts one call of `operation` with retries that `signal` can cancel; resolves with the call's result. */
export type CancellableCall = (
  operation: ControlledOperation,
  signal: AbortSignal,
  options: RetryOptions,
) => Promise<unknown>;

/** Each entry point of tenacious, given the signal the way its users would give it. */
export const cancellableCalls: ReadonlyArray<readonly [string, CancellableCall]> = [
  [
    'an async method (signal at .signal of an argument)',
    (operation, signal, options) => {
      class Reports {
        @Retry(options)
        async fetch(_request: {
          readonly id: number;
          readonly signal: AbortSignal;
        }): Promise<{ report: string }> {
          return operation.run();
        }
      }
      return new Reports().fetch({ id: 1, signal });
    },
  ],
  [
    'an async generator method (signal at .abortSignal of an argument)',
    async (operation, signal, options) => {
      class Reports {
        @Retry(options)
        async *stream(_request: {
          readonly abortSignal: AbortSignal;
        }): AsyncGenerator<{ report: string }> {
          yield await operation.run();
        }
      }
      for await (const event of new Reports().stream({ abortSignal: signal })) return event;
      throw new Error('the stream ended without an event');
    },
  ],
  [
    'withRetry (signal option)',
    (operation, signal, options) => withRetry(() => operation.run(), { ...options, signal }),
  ],
  [
    'retryable (AbortSignal argument)',
    (operation, signal, options) => {
      const fetchReport = retryable(
        (_id: number, _signal: AbortSignal) => operation.run(),
        options,
      );
      return fetchReport(1, signal);
    },
  ],
  [
    'RetryContext with for await (signal option)',
    async (operation, signal, options) => {
      const context = new RetryContext({ ...options, signal });
      for await (const _attempt of context) {
        try {
          return await operation.run();
        } catch (error) {
          context.recordFailure(error);
        }
      }
      throw new Error('the loop ended without a result');
    },
  ],
  [
    'RetryContext with wait(signal)',
    async (operation, signal, options) => {
      const context = new RetryContext(options);
      for (;;) {
        try {
          return await operation.run();
        } catch (error) {
          context.recordFailure(error);
          await context.wait(signal);
        }
      }
    },
  ],
];

/** Tracks whether a promise has settled, without ever leaving its rejection unhandled. */
export function track(promise: Promise<unknown>): { readonly settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

/** How a promise settled; handles its rejection at once, so it is never reported as unhandled. */
export function settlementOf(
  promise: Promise<unknown>,
): Promise<{ readonly rejected: boolean; readonly value: unknown }> {
  return promise.then(
    (value) => ({ rejected: false, value }),
    (value: unknown) => ({ rejected: true, value }),
  );
}
