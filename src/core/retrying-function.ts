/* eslint-disable prefer-rest-params -- the wrapper forwards `arguments`, which V8 then never makes (call-arguments.ts) */
import { collectArguments, mostUnpackedArguments } from './call-arguments';
import {
  continueAfterFirstAttempt,
  isPromiseLike,
  retryAfterFirstAttempt,
  retryThrownCall,
  type RetriedFunction,
} from './call-with-retry';
import { functionKind } from './function-kind';
import { failedWith } from './outcome';
import type { PolicyCache } from './policy-cache';
import { createRejectionHandlers } from './rejection-handlers';
import { callStartTime } from './retry-decision';
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
    throw new TypeError(
      `${source}: cannot retry a synchronous generator function; make it an async generator (async *) or return an array`,
    );
  }
  // V8 takes a `const` that a closure captures for a constant in code that inlines the closure, and
  // a parameter for a variable. So the wrapper captures these: the method is then called directly
  // (and inlined) however many methods share this wrapper's code, and the policy lookup folds away.
  const method = target;
  const cache = policies;
  // The policy is the same for the same `this`, so a failed call asks for it again rather than
  // keeping it in its handler (rejection-handlers.ts).
  const rejectionHandlers = createRejectionHandlers((thisArg, startedAt, args, error) =>
    retryAfterFirstAttempt(
      cache.policyFor(thisArg),
      method,
      thisArg,
      startedAt,
      args,
      failedWith(error),
    ),
  );
  const wrapper =
    kind === 'stream'
      ? function (this: unknown, ...args: unknown[]) {
          return streamWithRetry(cache.policyFor(this), method, this, args);
        }
      : // The first attempt runs here, not in a callee: V8 forwards `arguments` to the method
        // without making the object only within the function that owns it (call-arguments.ts).
        // Kept small: V8 inlines it, and its callees, only within a budget of bytecode.
        function (this: unknown, first?: unknown, second?: unknown, third?: unknown) {
          // Read before the call: read after it, V8 stopped forwarding `arguments` and made the
          // object on every call (Node 20).
          const count = arguments.length;
          // Not `cache.policyFor(this)`: read here, in the wrapper's own code, the remembered
          // policy is a constant to V8 wherever it inlines the wrapper (policy-cache.ts).
          cache.rememberClassOf(this);
          const policy = cache.remembered!.policy;
          const startedAt = callStartTime(policy);
          let value: unknown;
          try {
            value = Reflect.apply(method, this, arguments);
          } catch (error) {
            return retryThrownCall(
              policy,
              method,
              this,
              Reflect.apply(collectArguments, undefined, arguments),
              error,
              startedAt,
            );
          }
          // A synchronous method's success ends here, so its call stays as cheap as a plain call.
          if (policy.retryOnResult === undefined && !isPromiseLike(value)) return value;
          const listed =
            count > mostUnpackedArguments
              ? Reflect.apply(collectArguments, undefined, arguments)
              : first;
          return continueAfterFirstAttempt(
            policy,
            value,
            method,
            this,
            startedAt,
            count,
            listed,
            second,
            third,
            rejectionHandlers,
          );
        };
  Object.defineProperty(wrapper, 'name', { value: target.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: target.length, configurable: true });
  return wrapper as unknown as Target;
}
