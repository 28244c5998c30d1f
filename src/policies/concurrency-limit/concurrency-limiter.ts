import { stopWaking, wakeOnAbort } from '../../core/sleep';
import { statisticsKey } from '../../telemetry/statistics';
import { ConcurrencyLimitError } from './errors';
import {
  validateConcurrencyLimiterOptions,
  type ConcurrencyLimiterOptions,
  type ResolvedConcurrencyLimiterOptions,
} from './options';

const limiterBrand: unique symbol = Symbol.for('tenacious.concurrency-limiter') as never;

/** Whether `value` is a `ConcurrencyLimiter` (this package's, or one from another copy of it). */
export function isConcurrencyLimiter(value: unknown): value is ConcurrencyLimiter {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as { [limiterBrand]?: unknown })[limiterBrand] === true;
  } catch {
    return false;
  }
}

/** A concurrency limiter's counters since it was made, and its state now. */
export interface ConcurrencyLimiterStats {
  /** Calls running now (holding a slot). */
  readonly running: number;
  /** Calls waiting for a slot now. */
  readonly queued: number;
  /** Calls that got a slot, at once or after waiting. */
  readonly admitted: number;
  /** Calls refused: every slot and queue place taken, or `queueTimeout` passed while queued. */
  readonly rejections: number;
  /** Calls whose abort signal fired while they waited in the queue. */
  readonly aborted: number;
}

/** A call waiting for a slot: a node of the FIFO queue, a doubly linked list (O(1) removal on abort). */
interface Waiter {
  previous: Waiter | undefined;
  next: Waiter | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * At most `maxConcurrent` calls at once, up to `maxQueued` more waiting in FIFO order; the rest
 * fail fast with `ConcurrencyLimitError`. Share one instance between methods and classes to give
 * them one limit: `@ConcurrencyLimit(limiter)`, `concurrencyLimit: limiter`.
 *
 * A slot that is released goes straight to the call at the head of the queue, so a call that
 * arrives just then cannot overtake the queue. A queued call leaves it when its `queueTimeout`
 * passes (with `ConcurrencyLimitError`, `reason: 'queue-timeout'`) or its abort signal fires (with
 * the signal's reason); either way its timer and its abort listener are removed at once.
 */
export class ConcurrencyLimiter {
  declare readonly [limiterBrand]: true;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedConcurrencyLimiterOptions;

  #running = 0;
  #queued = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #admitted = 0;
  #rejections = 0;
  #aborted = 0;

  constructor(options: ConcurrencyLimiterOptions) {
    this.options = validateConcurrencyLimiterOptions(options, 'ConcurrencyLimiter');
  }

  /** Calls holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queued;
  }

  /** Takes a slot if one is free (and nobody is queued before): true when taken. */
  tryAcquire(): boolean {
    if (this.#running >= this.options.maxConcurrent || this.#queued > 0) return false;
    this.#running += 1;
    this.#admitted += 1;
    return true;
  }

  /** Whether a call that found no slot may wait for one. */
  get canQueue(): boolean {
    return this.#queued < this.options.maxQueued;
  }

  /** The error of a call refused because every slot and queue place is taken; counted. */
  refuse(): ConcurrencyLimitError {
    this.#rejections += 1;
    return new ConcurrencyLimitError('full', this.options.maxConcurrent, this.options.maxQueued);
  }

  /**
   * Waits in the queue for a slot (call only when `tryAcquire()` failed and `canQueue`). Resolves
   * once the slot is the call's; rejects with `ConcurrencyLimitError` after `queueTimeout` ms
   * (`onTimeout` is told first), or with the signal's reason when `signal` aborts.
   */
  enqueue(
    signal: AbortSignal | undefined,
    onTimeout?: (error: ConcurrencyLimitError) => void,
  ): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        previous: this.#tail,
        next: undefined,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        timer: undefined,
      };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#queued += 1;
      const { queueTimeout, maxConcurrent, maxQueued } = this.options;
      if (queueTimeout !== undefined) {
        waiter.timer = setTimeout(() => {
          waiter.timer = undefined;
          this.#leave(waiter);
          this.#rejections += 1;
          const error = new ConcurrencyLimitError(
            'queue-timeout',
            maxConcurrent,
            maxQueued,
            queueTimeout,
          );
          onTimeout?.(error);
          reject(error);
        }, queueTimeout);
      }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.#leave(waiter);
          this.#aborted += 1;
          reject(signal.reason);
        };
        wakeOnAbort(signal, waiter.onAbort);
      }
    });
  }

  /** Gives a slot back: to the call at the head of the queue, if one waits. */
  release(): void {
    const next = this.#head;
    if (next === undefined) {
      this.#running -= 1;
      return;
    }
    // The slot passes to it as it is: `running` does not change.
    this.#leave(next);
    this.#admitted += 1;
    next.resolve();
  }

  /** Takes `waiter` out of the queue, with its timer and its abort listener. */
  #leave(waiter: Waiter): void {
    if (waiter.previous === undefined) this.#head = waiter.next;
    else waiter.previous.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.previous;
    else waiter.next.previous = waiter.previous;
    waiter.previous = undefined;
    waiter.next = undefined;
    this.#queued -= 1;
    if (waiter.timer !== undefined) {
      clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
    if (waiter.onAbort !== undefined) {
      stopWaking(waiter.signal!, waiter.onAbort);
      waiter.onAbort = undefined;
    }
  }

  [statisticsKey](): ConcurrencyLimiterStats {
    return {
      running: this.#running,
      queued: this.#queued,
      admitted: this.#admitted,
      rejections: this.#rejections,
      aborted: this.#aborted,
    };
  }

  toJSON(): { running: number; queued: number; options: ResolvedConcurrencyLimiterOptions } {
    return { running: this.#running, queued: this.#queued, options: this.options };
  }
}

Object.defineProperty(ConcurrencyLimiter.prototype, limiterBrand, { value: true });
