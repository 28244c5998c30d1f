import {
  BrokenCircuitError,
  ConcurrencyLimitError,
  RateLimitExceededError,
  classifyError,
  isRateLimitError,
} from '../../src';

interface MethodSummary {
  calls: number;
  attempts: number;
  succeeded: number;
  failed: number;
}

/**
 * Records what the retry loop does, through the `onRetry` hooks given to the decorators (and
 * hedges and state changes the demo passes on), and prints it as a timeline: time since start,
 * method, attempt, category, chosen delay, outcome. Calls are run one at a time, so the attempt
 * count of the current call is known.
 */
export class Timeline {
  readonly #startedAt = Date.now();
  readonly #summaries = new Map<string, MethodSummary>();
  #attemptsOfCurrentCall = 0;

  constructor(private readonly print: (line: string) => void) {}

  /** The hooks to spread into a decorator's options. */
  hooks(method: string): { onRetry: (error: unknown, attempt: number, delayMs: number) => void } {
    return {
      onRetry: (error, attempt, delayMs) => {
        this.#attemptsOfCurrentCall = attempt + 1;
        this.#line(
          method,
          attempt,
          describeCategory(error),
          `retry in ${delayMs} ms`,
          describeError(error),
        );
      },
    };
  }

  /** Runs one call, records how it ended, and never throws (the demo goes on). */
  async call<Result>(
    method: string,
    run: () => Promise<Result>,
    describe: (result: Result) => string,
  ): Promise<void> {
    this.#attemptsOfCurrentCall = 1;
    const summary = this.#summaryOf(method);
    summary.calls += 1;
    try {
      const result = await run();
      summary.succeeded += 1;
      this.#line(method, this.#attemptsOfCurrentCall, 'ok', 'done', describe(result));
    } catch (error) {
      summary.failed += 1;
      // A policy's own error with no retry before it: the call was refused before its first
      // attempt (after a real failure, a policy that stops the retries ends the call with that
      // failure). No attempt ran, as `stats()` counts it.
      if (this.#attemptsOfCurrentCall === 1 && isRefusal(error)) this.#attemptsOfCurrentCall = 0;
      this.#line(
        method,
        this.#attemptsOfCurrentCall,
        describeCategory(error),
        this.#attemptsOfCurrentCall === 0 ? 'refused' : 'gave up',
        describeError(error),
      );
    }
    summary.attempts += this.#attemptsOfCurrentCall;
  }

  /** A hedged attempt started while the earlier one still runs (from `tenacious:hedge`). */
  hedgeStarted(method: string, attempt: number, delay: number): void {
    this.#attemptsOfCurrentCall = attempt;
    this.#line(
      method,
      attempt,
      '-',
      'hedge started',
      `attempt ${attempt - 1} still running after ${delay} ms`,
    );
  }

  /** A line that is not about one attempt, e.g. a circuit's state change, with its time. */
  note(text: string): void {
    this.print(`  ${this.#time().padStart(7)}  ${text}`);
  }

  section(title: string): void {
    this.print('');
    this.print(`== ${title}`);
  }

  printSummary(): void {
    this.print('');
    this.print('Summary');
    this.print(
      `  ${'method'.padEnd(34)} ${'calls'.padStart(5)} ${'attempts'.padStart(8)} ${'ok'.padStart(3)} ${'failed'.padStart(6)}`,
    );
    for (const [method, summary] of this.#summaries) {
      this.print(
        `  ${method.padEnd(34)} ${String(summary.calls).padStart(5)} ${String(summary.attempts).padStart(8)} ${String(summary.succeeded).padStart(3)} ${String(summary.failed).padStart(6)}`,
      );
    }
    this.print(`  total time ${((Date.now() - this.#startedAt) / 1000).toFixed(1)} s`);
  }

  #summaryOf(method: string): MethodSummary {
    let summary = this.#summaries.get(method);
    if (summary === undefined) {
      summary = { calls: 0, attempts: 0, succeeded: 0, failed: 0 };
      this.#summaries.set(method, summary);
    }
    return summary;
  }

  #time(): string {
    return `+${((Date.now() - this.#startedAt) / 1000).toFixed(2)}s`;
  }

  #line(method: string, attempt: number, category: string, action: string, detail: string): void {
    this.print(
      `  ${this.#time().padStart(7)}  ${method.padEnd(34)} attempt ${attempt}  ${category.padEnd(22)} ${action.padEnd(16)} ${detail}`,
    );
  }
}

function describeCategory(error: unknown): string {
  return isRateLimitError(error) ? `${classifyError(error)} (rate limit)` : classifyError(error);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const text = `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

/** The errors a policy refuses a call with: an open circuit, no concurrency slot, no turn. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof BrokenCircuitError ||
    error instanceof ConcurrencyLimitError ||
    error instanceof RateLimitExceededError
  );
}
