/**
 * Counters since the process started, for a health endpoint: `stats(instance.method)`,
 * `stats(retryableFunction)`, `stats(breaker)`, `stats(budget)`.
 *
 * A method's counters cost its success path one increment: `calls` is counted through the
 * pipeline's `countCall` (fast-path/README.md, step 3), everything else only once a call has failed.
 * So a first attempt's success is not counted on its own: the calls that failed are `giveUps` plus
 * the first attempts a policy refused; the others succeeded, are still running, or were aborted.
 */

import type { CallRecord } from '../core/pipeline';
import type { Breaker } from '../policies/circuit-breaker/breaker';
import type { RateLimiter } from '../policies/rate-limit/rate-limiter';
import type { RetryBudget } from '../policies/retry-budget/retry-budget';
import type {
  ConcurrencyLimiter,
  ConcurrencyLimiterStats,
} from '../policies/concurrency-limit/concurrency-limiter';

/** Where an object keeps its counters; `Symbol.for`, so that copies of the package read each other's. */
export const statisticsKey: unique symbol = Symbol.for('tenacious.statistics') as never;

/** A method's (or a `retryable` function's) counters, since the process started. */
export interface MethodStats {
  /** Calls made (each counted once, however many attempts it took). */
  readonly calls: number;
  /** Attempts made: the calls' first attempts that ran, every retry and every hedged attempt. */
  readonly attempts: number;
  /** Retries made: attempts after a failed one. A hedged attempt is counted in `attempts` only. */
  readonly retries: number;
  /** Calls that succeeded after at least one retry (`tenacious:success`). */
  readonly recovered: number;
  /** Calls that ended with a failure tenacious did not retry further (`tenacious:give-up`). */
  readonly giveUps: number;
  /**
   * Attempts a policy refused: a first attempt an open circuit or a rate limiter failed fast, a
   * call a concurrency limit refused (or that left its queue: timed out or aborted), a retry that
   * the budget, the breaker or a rate limiter stopped.
   */
  readonly rejections: number;
}

/** A circuit breaker's counters, since it was made, and its state now. */
export interface BreakerStats {
  readonly state: string;
  /** Attempts the breaker let through and heard the outcome of. */
  readonly successes: number;
  readonly failures: number;
  /** Attempts it refused (open, half-open with every probe taken, isolated). */
  readonly rejections: number;
  /** How many times a circuit opened. */
  readonly opened: number;
  /** State changes of all its circuits. */
  readonly stateChanges: number;
}

/** A retry budget's counters, since it was made. */
export interface BudgetStats {
  /** First attempts counted. */
  readonly calls: number;
  /** Retries it granted. */
  readonly retries: number;
  /** Retries it refused. */
  readonly rejections: number;
  /** Within the window now. */
  readonly callsInWindow: number;
  readonly retriesInWindow: number;
}

/** A rate limiter's counters, since it was made, and its rate now. */
export interface RateLimiterStats {
  /** Attempts it let through, at once or after a wait (a turn given back by an aborted wait is not counted). */
  readonly granted: number;
  /** Turns granted after a wait (an aborted wait included). */
  readonly waited: number;
  /** Attempts it refused (`RateLimitExceededError`): their turn was too far away. */
  readonly rejections: number;
  /** With `adaptive`: attempts the dependency throttled. */
  readonly throttles: number;
  /** With `adaptive`: how many times the rate was lowered. */
  readonly decreases: number;
  /** Units per `interval` in force now: `limit`, or less while `adaptive` has lowered it. */
  readonly rate: number;
}

/** The mutable counters of one method or function, shared by all its pipelines. */
export class CallStatistics {
  calls = 0;
  retries = 0;
  recovered = 0;
  giveUps = 0;
  /** First attempts refused by a policy. */
  refused = 0;
  /** Retries a policy vetoed, or refused when they were about to start. */
  vetoed = 0;
  /** Hedged attempts started (`@Hedge`): attempts, not retries. */
  hedges = 0;
  /**
   * First attempts that never ran: their wait for a rate limiter's turn was aborted, or a policy's
   * own user code (`cost`, `key`) threw while admitting them.
   */
  unstarted = 0;

  [statisticsKey](): MethodStats {
    return {
      calls: this.calls,
      attempts: this.calls - this.refused - this.unstarted + this.retries + this.hedges,
      retries: this.retries,
      recovered: this.recovered,
      giveUps: this.giveUps,
      rejections: this.refused + this.vetoed,
    };
  }
}

/**
 * An attempt counted as made (a first attempt, a retry, a hedge) that will not run after all: the
 * caller aborted it, or its hedge lost, while it waited for its turn, or a policy's user code threw
 * while admitting it. `attemptNumber` is the one it was admitted as: a hedge started meanwhile has
 * moved the call's record on (`call.attempt`).
 */
export function countAttemptNotStarted(attempt: CallRecord, attemptNumber: number): void {
  const { statistics } = attempt.pipeline;
  if (attempt.hedge) statistics.hedges -= 1;
  else if (attemptNumber === 1) statistics.unstarted += 1;
  else statistics.retries -= 1;
}

interface HasStatistics<Stats> {
  [statisticsKey](): Stats;
}

/** Marks a retrying function with its counters (read by `stats`). */
export function attachStatistics(target: Function, statistics: CallStatistics): void {
  Object.defineProperty(target, statisticsKey, {
    value: () => statistics[statisticsKey](),
    configurable: true,
  });
}

/** What `stats()` returns, whichever target it is given. */
export type AnyStats =
  MethodStats | BreakerStats | BudgetStats | RateLimiterStats | ConcurrencyLimiterStats;

/**
 * The counters of a decorated method (`stats(instance.method)`, `stats(Class.prototype.method)`),
 * a `retryable` function, a `Breaker`, a `RetryBudget`, a `RateLimiter` or a `ConcurrencyLimiter`.
 * Throws a TypeError for anything else.
 */
export function stats(target: (...args: never[]) => unknown): MethodStats;
export function stats(target: Breaker): BreakerStats;
export function stats(target: RetryBudget): BudgetStats;
export function stats(target: RateLimiter): RateLimiterStats;
export function stats(target: ConcurrencyLimiter): ConcurrencyLimiterStats;
export function stats(target: object): AnyStats;
export function stats(target: object): AnyStats {
  const read =
    (typeof target === 'object' || typeof target === 'function') && target !== null
      ? (target as Partial<HasStatistics<AnyStats>>)[statisticsKey]
      : undefined;
  if (typeof read !== 'function') {
    throw new TypeError(
      'stats: expected a method decorated with tenacious, a retryable function, a Breaker, a RetryBudget, a RateLimiter or a ConcurrencyLimiter',
    );
  }
  return read.call(target);
}
