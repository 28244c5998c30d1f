import type { RetryOptions } from '../policy/options';
import { validateRetryOptions } from '../policy/validate-options';
import { applyLane } from './apply-lane';
import { rejectUseWithoutParentheses } from './decorator-arguments';
import type { MethodDecoratorFunction } from './decorator-types';

/**
 * Retries the method per `options` when it fails with a retryable error (RETRYABLE, TIMEOUT or
 * NETWORK by default). Options are validated here, when the class is defined.
 */
export function Retry(options?: RetryOptions): MethodDecoratorFunction {
  rejectUseWithoutParentheses(arguments.length, '@Retry', 'an options object', '@Retry()');
  const validated = validateRetryOptions(options, '@Retry');
  return function retryDecorator(...args: unknown[]) {
    return applyLane(args, '@Retry', { name: 'retry', options: validated });
  } as MethodDecoratorFunction;
}
