import { describeValue } from './describe-value';

// A predicate (`retryOn`, `retryOnResult`) or classifier that returns a promise would read as
// `true` (a promise is truthy) or as a wrong category: it is refused, never awaited. An async
// function shows this where it is given; a plain function that returns a promise only when called.

/** Whether `value` is an `async` function (of any realm): it always returns a promise. */
export function isAsyncFunction(value: unknown): boolean {
  return (
    typeof value === 'function' &&
    Object.prototype.toString.call(value) === '[object AsyncFunction]'
  );
}

/** Whether `value` is a promise or another thenable. Never throws. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * The TypeError for `subject` (`option "retryOn"`, `a classifier`) having returned `answer`, a
 * thenable. Its rejection, if it comes, is handled here: the TypeError is what the caller gets, and
 * nothing is left unhandled.
 */
export function promiseReturnedError(subject: string, answer: PromiseLike<unknown>): TypeError {
  Promise.resolve(answer).catch(ignore);
  return new TypeError(
    `tenacious: ${subject} returned a promise (${describeValue(answer)}), which is never awaited; it must answer synchronously (do the awaiting inside the retried function)`,
  );
}

function ignore(): void {}

/** `predicate` with its answer checked: a thenable is a TypeError naming the option. */
export function refusingPromises<Args extends unknown[]>(
  predicate: (...args: Args) => unknown,
  name: string,
): (...args: Args) => boolean {
  return (...args) => {
    const answer = predicate(...args);
    if (isThenable(answer)) throw promiseReturnedError(`option "${name}"`, answer);
    return Boolean(answer);
  };
}
