/**
 * tenacious's side of the one retry configuration every case uses (bench/cases/configuration.ts
 * writes it in each peer's terms): 3 attempts in all, exponential backoff (100 ms doubling to at
 * most 1 s) with full jitter, and an error filter that retries `TransientError` only. Nothing
 * fails in the benchmark, so the numbers never take effect; they are here so that every wrapper
 * does its per-call set-up for the same, realistic policy. No peer library is imported here: the
 * generated shape cases load this module.
 */
import * as tenacious from '../../src';
import type { FunctionRetryOptions, MethodDecoratorFunction, RetryOptions } from '../../src';
import { policyExportNames, policyNames, type PolicyName } from '../harness/policy-names';

export class TransientError extends Error {}

export function isTransient(error: unknown): boolean {
  return error instanceof TransientError;
}

export const tenaciousOptions: RetryOptions & FunctionRetryOptions = {
  maxAttempts: 3,
  initialDelay: 100,
  maxDelay: 1000,
  exponentialBase: 2,
  jitter: 'full',
  retryOn: isTransient,
};

/**
 * The exports of the resilience policies (issue 12), when this build of tenacious has them. The
 * bench runs on a build without them and reports their cases as not available, so it needs no
 * change the day they land.
 */
export interface OptionalExports {
  readonly CircuitBreaker?: (options?: object) => MethodDecoratorFunction;
  readonly RetryBudget?: new (options?: object) => object;
  readonly withRetry?: typeof tenacious.withRetry;
}

export const optionalExports: OptionalExports = {
  CircuitBreaker: exported('CircuitBreaker') as OptionalExports['CircuitBreaker'],
  RetryBudget: exported('RetryBudget') as OptionalExports['RetryBudget'],
  withRetry: exported('withRetry') as OptionalExports['withRetry'],
};

/** An export of this build of tenacious by name, or undefined when it has none. */
export function exported(name: string): unknown {
  return name in tenacious ? (tenacious as Record<string, unknown>)[name] : undefined;
}

/** Whether this build exports each resilience policy's decorator (the policies group, issue 13). */
export function policyExportsAvailable(): Record<PolicyName, boolean> {
  return Object.fromEntries(
    policyNames.map((policy) => [
      policy,
      typeof exported(policyExportNames[policy]) === 'function',
    ]),
  ) as Record<PolicyName, boolean>;
}

/** Whether `@Retry + @CircuitBreaker + the default budget` can be built. */
export const breakerAndBudgetAvailable =
  typeof optionalExports.CircuitBreaker === 'function' &&
  typeof optionalExports.RetryBudget === 'function';

/**
 * `@Retry` with only retry lanes: where the default retry budget exists it is turned off
 * (`budget: false`), so that the case measures the lean path; before it existed, the option was
 * unknown (and refused), and the lean path was all there was.
 */
export const retryOnlyOptions: RetryOptions = {
  ...tenaciousOptions,
  ...(optionalExports.RetryBudget === undefined ? {} : { budget: false }),
} as RetryOptions;

/** `@Retry` next to `@CircuitBreaker()`: the same options, the default budget left on. */
export const breakerRetryOptions: RetryOptions = tenaciousOptions;
