import { ErrorCategory } from '../../classify/error-category';
import { tenaciousErrorBrand } from '../../classify/tenacious-error';

const concurrencyLimitBrand: unique symbol = Symbol.for(
  'tenacious.error.concurrency-limit',
) as never;

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** Why a call was refused: every slot and queue place was taken, or it waited `queueTimeout` ms. */
export type ConcurrencyLimitReason = 'full' | 'queue-timeout';

/**
 * A call refused by a concurrency limit: all `maxConcurrent` slots were taken and the queue was
 * full (`reason: 'full'`), or it waited in the queue for `queueTimeout` ms (`reason:
 * 'queue-timeout'`). Both are the same error kind, so one check covers them. The call never ran.
 *
 * Its category is NON_RETRYABLE, as a `BrokenCircuitError`'s: the limit protects a dependency (or
 * this process) from more work than it can take, and a retry around the call (an outer `@Retry`,
 * the caller's own loop) would only add to the load it refused. Queue instead (`maxQueued`), or
 * fall back.
 */
export class ConcurrencyLimitError extends Error {
  readonly code = 'TENACIOUS_CONCURRENCY_LIMIT' as const;
  /** How the classifier (and so `@Retry`) treats it; see the class comment. */
  readonly category: ErrorCategory = ErrorCategory.NON_RETRYABLE;
  readonly reason: ConcurrencyLimitReason;
  readonly maxConcurrent: number;
  readonly maxQueued: number;

  constructor(
    reason: ConcurrencyLimitReason,
    maxConcurrent: number,
    maxQueued: number,
    queueTimeout?: number,
  ) {
    super(
      reason === 'full'
        ? `concurrency limit reached: ${maxConcurrent} call(s) running and ${maxQueued} queued`
        : `concurrency limit: waited ${queueTimeout} ms in the queue (queueTimeout) without a slot`,
    );
    this.name = 'ConcurrencyLimitError';
    this.reason = reason;
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== ConcurrencyLimitError) return ordinaryHasInstance.call(this, value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    try {
      return (value as Record<symbol, unknown>)[concurrencyLimitBrand] === true;
    } catch {
      return false; // a Proxy whose trap throws
    }
  }
}

Object.defineProperty(ConcurrencyLimitError.prototype, concurrencyLimitBrand, { value: true });
Object.defineProperty(ConcurrencyLimitError.prototype, tenaciousErrorBrand, { value: true });
