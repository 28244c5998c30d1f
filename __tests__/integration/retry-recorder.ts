import { classifyError, ErrorCategory } from '../../src';

/** One `onRetry` call, with the category `classifyError` gives its error. */
export interface RecordedRetry {
  readonly error: unknown;
  readonly category: ErrorCategory;
  readonly attempt: number;
  readonly delayMs: number;
}

/** The `onGiveUp` call, with the category `classifyError` gives its error. */
export interface RecordedGiveUp {
  readonly error: unknown;
  readonly category: ErrorCategory;
  readonly attempts: number;
}

/**
 * Collects what the retry loop reports through `onRetry` / `onGiveUp`. The callbacks are arrow
 * properties so that they can be handed to decorator options at class definition, before a test
 * has run; `clear()` in `beforeEach` gives every test a fresh record.
 */
export class RetryRecorder {
  readonly retries: RecordedRetry[] = [];
  readonly giveUps: RecordedGiveUp[] = [];
  #waiters: Array<(retry: RecordedRetry) => void> = [];

  readonly onRetry = (error: unknown, attempt: number, delayMs: number): void => {
    const retry: RecordedRetry = { error, category: classifyError(error), attempt, delayMs };
    this.retries.push(retry);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(retry);
  };

  readonly onGiveUp = (error: unknown, attempts: number): void => {
    this.giveUps.push({ error, category: classifyError(error), attempts });
  };

  /** Resolves at the next `onRetry`: the moment the loop is about to sleep. */
  nextRetry(): Promise<RecordedRetry> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get categories(): ErrorCategory[] {
    return this.retries.map((retry) => retry.category);
  }

  clear(): void {
    this.retries.length = 0;
    this.giveUps.length = 0;
    this.#waiters = [];
  }
}

/** What `promise` rejected with; fails the test if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

export { ErrorCategory };
