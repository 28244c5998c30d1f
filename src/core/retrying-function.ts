import { listedArguments, mostUnpackedArguments } from './call-arguments';
import { callWithRetry, retryAfterFirstAttempt, type RetriedFunction } from './call-with-retry';
import { failedWith } from './outcome';
import { createRejectionHandlers } from './rejection-handlers';
import { functionKind } from './function-kind';
import type { PolicyCache } from './policy-cache';
import { streamWithRetry } from './stream-with-retry';

/**
 * The one wrapper shape used by the decorators and `retryable`: same `this`, same arguments,
 * same return kind as `target`. `source` describes the caller for error messages.
 */
export function createRetryingFunction<Target extends RetriedFunction>(
  target: Target,
  policies: PolicyCache,
  source: string,
): Target {
  const kind = functionKind(target);
  if (kind === 'generator') {
    // A sync generator runs lazily on iteration, after the wrapper has returned: nothing to retry.
    throw new TypeError(`${source}: cannot retry a synchronous generator function; make it an async generator (async *) or return an array`);
  }
  // The policy is the same for the same `this`, so a failed call asks for it again rather than
  // keeping it in its handler (rejection-handlers.ts).
  const rejectionHandlers = createRejectionHandlers((thisArg, startedAt, args, error) =>
    retryAfterFirstAttempt(policies.policyFor(thisArg), target, thisArg, startedAt, args, failedWith(error)),
  );
  const wrapper =
    kind === 'stream'
      ? function (this: unknown, ...args: unknown[]) {
          return streamWithRetry(policies.policyFor(this), target, this, args);
        }
      : // Named parameters, not `...args`: see call-arguments.ts.
        function (this: unknown, first?: unknown, second?: unknown, third?: unknown) {
          const count = arguments.length;
          return count > mostUnpackedArguments
            ? callWithListedArguments.apply(this, arguments as unknown as unknown[])
            : callWithRetry(policies.policyFor(this), target, this, count, first, second, third, rejectionHandlers);
        };
  // `f.apply(this, arguments)` forwards the arguments without materialising an arguments object
  // on the common path, which a rest parameter or `Array.from(arguments)` in the wrapper would not.
  function callWithListedArguments(this: unknown, ...args: unknown[]): unknown {
    return callWithRetry(policies.policyFor(this), target, this, listedArguments, args, undefined, undefined, rejectionHandlers);
  }
  Object.defineProperty(wrapper, 'name', { value: target.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: target.length, configurable: true });
  return wrapper as unknown as Target;
}
