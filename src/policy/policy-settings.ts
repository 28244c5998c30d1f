// The settings of the breaker and the budget as the option types name them. The classes live in
// src/policies/<kind>/; only their types are imported here.
import type { Breaker } from '../policies/circuit-breaker/breaker';
import type { CircuitBreakerOptions } from '../policies/circuit-breaker/options';
import type { RateLimiterOptions } from '../policies/rate-limit/options';
import type { RateLimiter } from '../policies/rate-limit/rate-limiter';
import type { RetryBudget } from '../policies/retry-budget/retry-budget';
import type { ConcurrencyLimiter } from '../policies/concurrency-limit/concurrency-limiter';
import type { ConcurrencyLimiterOptions } from '../policies/concurrency-limit/options';

/** `budget`: a `RetryBudget` to share, or `false` for none. */
export type RetryBudgetSetting = RetryBudget | false;

/** `circuitBreaker`: options for a breaker of its own, or a `Breaker` to share. */
export type CircuitBreakerSetting = CircuitBreakerOptions | Breaker;

/** `rateLimiter`: options for a limiter of its own, or a `RateLimiter` to share. */
export type RateLimiterSetting = RateLimiterOptions | RateLimiter;
/** `concurrencyLimit`: options for a limiter of its own, or a `ConcurrencyLimiter` to share. */
export type ConcurrencyLimitSetting = ConcurrencyLimiterOptions | ConcurrencyLimiter;
export type { TimeoutSetting } from '../policies/timeout/options';
export type { HedgeOptions } from '../policies/hedge/options';
