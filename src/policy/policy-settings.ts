// The shapes of the breaker and the budget as the option types and the pipeline use them. The
// classes themselves live in src/policies/<kind>/; these types keep src/policy free of them.

/** What the retry loop asks of a retry budget (`RetryBudget`, or a fleet-wide one). */
export interface RetryBudgetLike {
  /** Counts a call's first attempt. */
  recordCall(): void;
  /** Whether one more retry may run now; counts it when it may. */
  tryRetry(): boolean;
}

/** `budget`: a `RetryBudget` to share, or `false` for none. */
export type RetryBudgetSetting = RetryBudgetLike | false;

/** What the pipeline asks of a circuit breaker (`Breaker`, or a fleet-wide one). */
export interface BreakerLike {
  /** Lets an attempt through: a ticket (> 0) to hand back with its outcome, or 0 when refused. */
  enter(key?: string): number;
  /** The error a refused attempt fails with (BrokenCircuitError / IsolatedCircuitError). */
  refusal(key?: string): unknown;
  succeeded(key: string | undefined, ticket: number, durationMs: number): void;
  failed(
    key: string | undefined,
    ticket: number,
    error: unknown,
    category: string,
    durationMs: number,
  ): void;
  /** Milliseconds until an open circuit lets a probe through; 0 when it is not open. */
  remainingBreak(key?: string): number;
}

/** The options of `@CircuitBreaker` and `new Breaker(options)`, checked by the breaker itself. */
export type CircuitBreakerOptionsLike = object;

/** `circuitBreaker`: options for a breaker of its own, or a `Breaker` to share. */
export type CircuitBreakerSetting = CircuitBreakerOptionsLike | BreakerLike;
