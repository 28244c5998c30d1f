/**
 * The simplest correct hand-written equivalent of each resilience policy, as a developer would
 * write it: the baseline each tenacious policy is held to (issue 13). Each is a decorator factory,
 * so each method it decorates has its own state (a limiter per method, as tenacious's decorators
 * make one per method), and its wrapper's code is shared as a library's is. A policy that hands
 * the method a signal (timeout, hedge) passes it as a last argument, which the bench's methods
 * ignore.
 */

type Method<This, Args extends unknown[], Result> = (this: This, ...args: Args) => Result;

export class HandWrittenTimeoutError extends Error {}
export class HandWrittenLimitError extends Error {}

/**
 * A time limit per call: an AbortController whose signal the method gets, a timer that aborts
 * it, cleared in `finally`. Cooperative, as cockatiel's `TimeoutStrategy.Cooperative`: the call
 * ends when the method honours the signal (fetch, undici and the AWS SDK do).
 */
export function timeoutAsync(milliseconds: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Promise<Result>>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Promise<Result>> {
    return async function (this: This, ...args: Args): Promise<Result> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new HandWrittenTimeoutError()), milliseconds);
      try {
        return await Reflect.apply(method, this, [...args, controller.signal]);
      } finally {
        clearTimeout(timer);
      }
    };
  };
}

/**
 * One hedge (`maxHedges: 1`): if the first attempt has not settled after `delay`, a second starts;
 * the first success wins and the other attempt is aborted through its signal; the call fails when
 * every attempt started has failed. Per call: the promise, a timer started and cleared, an
 * AbortController per attempt.
 */
export function hedgeAsync(delay: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Promise<Result>>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Promise<Result>> {
    return function (this: This, ...args: Args): Promise<Result> {
      return new Promise<Result>((resolve, reject) => {
        const controllers: AbortController[] = [];
        let running = 0;
        let settled = false;
        const start = (): void => {
          const controller = new AbortController();
          controllers.push(controller);
          running += 1;
          Reflect.apply(method, this, [...args, controller.signal]).then(
            (result: Result) => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              for (const other of controllers) if (other !== controller) other.abort();
              resolve(result);
            },
            (error: unknown) => {
              running -= 1;
              if (settled || running > 0) return;
              settled = true;
              clearTimeout(timer);
              reject(error);
            },
          );
        };
        const timer = setTimeout(start, delay);
        start();
      });
    };
  };
}

/** At most `maxConcurrent` calls at once, the rest refused at once (no queue): a counter. */
export function concurrencyLimitAsync(maxConcurrent: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Promise<Result>>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Promise<Result>> {
    let running = 0;
    return async function (this: This, ...args: Args): Promise<Result> {
      if (running >= maxConcurrent) throw new HandWrittenLimitError();
      running += 1;
      try {
        return await method.apply(this, args);
      } finally {
        running -= 1;
      }
    };
  };
}

export function concurrencyLimitSync(maxConcurrent: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Result>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Result> {
    let running = 0;
    return function (this: This, ...args: Args): Result {
      if (running >= maxConcurrent) throw new HandWrittenLimitError();
      running += 1;
      try {
        return method.apply(this, args);
      } finally {
        running -= 1;
      }
    };
  };
}

/**
 * GCRA: at most `limit` calls per `interval` ms, bursts up to `limit`, a call over it refused
 * (no waiting). The theoretical arrival time is a field of an object, not a closure variable, so
 * that V8 updates it in place instead of boxing a new number per call.
 */
function rateLimitCheck(limit: number, interval: number): () => boolean {
  const emissionInterval = interval / limit;
  const tolerance = interval - emissionInterval;
  const state = { theoreticalArrival: Date.now() - interval };
  return () => {
    const now = Date.now();
    const arrival = Math.max(state.theoreticalArrival, now);
    if (arrival - now > tolerance) return false;
    state.theoreticalArrival = arrival + emissionInterval;
    return true;
  };
}

export function rateLimitAsync(limit: number, interval: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Promise<Result>>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Promise<Result>> {
    const admit = rateLimitCheck(limit, interval);
    return function (this: This, ...args: Args): Promise<Result> {
      if (!admit()) return Promise.reject(new HandWrittenLimitError());
      return method.apply(this, args);
    };
  };
}

export function rateLimitSync(limit: number, interval: number) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Result>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Result> {
    const admit = rateLimitCheck(limit, interval);
    return function (this: This, ...args: Args): Result {
      if (!admit()) throw new HandWrittenLimitError();
      return method.apply(this, args);
    };
  };
}

/** A value instead of any failure: `.catch(() => value)`; try/catch for sync. */
export function fallbackAsync<Value>(value: Value) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Promise<Result>>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Promise<Result | Value>> {
    return function (this: This, ...args: Args): Promise<Result | Value> {
      return method.apply(this, args).catch(() => value);
    };
  };
}

export function fallbackSync<Value>(value: Value) {
  return function <This, Args extends unknown[], Result>(
    method: Method<This, Args, Result>,
    _context: ClassMethodDecoratorContext<This>,
  ): Method<This, Args, Result | Value> {
    return function (this: This, ...args: Args): Result | Value {
      try {
        return method.apply(this, args);
      } catch {
        return value;
      }
    };
  };
}
