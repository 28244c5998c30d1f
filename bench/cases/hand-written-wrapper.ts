/**
 * The simplest correct wrapper that can retry, as a developer would write it by hand: the
 * baseline `@Retry` is held to in every shape (issue 12). Rest arguments, and per call a
 * rejection closure that holds what a retry needs (`this`, the arguments, the attempt); the sync
 * form is a try/catch loop. Same policy as the other cases: 3 attempts, full-jitter exponential
 * backoff from 100 ms to 1 s, `TransientError` only. One module, shared by every method it
 * decorates, as a library's wrapper is.
 */
import { isTransient } from './retry-settings';

const maxAttempts = 3;

function backoff(failedAttempt: number): number {
  return Math.random() * Math.min(100 * 2 ** (failedAttempt - 1), 1000);
}

let blockingCell: Int32Array | undefined;

export function retryAsync<This, Args extends unknown[], Result>(
  method: (this: This, ...args: Args) => Promise<Result>,
  _context: ClassMethodDecoratorContext<This>,
): (this: This, ...args: Args) => Promise<Result> {
  return function (this: This, ...args: Args): Promise<Result> {
    const self = this;
    let attempt = 1;
    const retryAfter = (error: unknown): Promise<Result> => {
      if (attempt >= maxAttempts || !isTransient(error)) throw error;
      const delay = backoff(attempt);
      attempt += 1;
      return new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() =>
        method.apply(self, args).then(undefined, retryAfter),
      );
    };
    return method.apply(this, args).then(undefined, retryAfter);
  };
}

export function retrySync<This, Args extends unknown[], Result>(
  method: (this: This, ...args: Args) => Result,
  _context: ClassMethodDecoratorContext<This>,
): (this: This, ...args: Args) => Result {
  return function (this: This, ...args: Args): Result {
    for (let attempt = 1; ; attempt++) {
      try {
        return method.apply(this, args);
      } catch (error) {
        if (attempt >= maxAttempts || !isTransient(error)) throw error;
        blockingCell ??= new Int32Array(new SharedArrayBuffer(4));
        Atomics.wait(blockingCell, 0, 0, backoff(attempt));
      }
    }
  };
}
