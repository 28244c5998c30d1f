// The settings of the breaker and the budget as the option types name them. The classes live in
// src/policies/<kind>/; only their types are imported here.
import type { Breaker } from '../policies/circuit-breaker/breaker';
import type { CircuitBreakerOptions } from '../policies/circuit-breaker/options';
import type { RetryBudget } from '../policies/retry-budget/retry-budget';

/** `budget`: a `RetryBudget` to share, or `false` for none. */
export type RetryBudgetSetting = RetryBudget | false;

/** `circuitBreaker`: options for a breaker of its own, or a `Breaker` to share. */
export type CircuitBreakerSetting = CircuitBreakerOptions | Breaker;

export type { TimeoutSetting } from '../policies/timeout/options';
export type { HedgeOptions } from '../policies/hedge/options';
