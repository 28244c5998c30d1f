// First: Symbol.metadata must exist before any decorated class is defined.
import './polyfill';

export { Retry } from './decorators/retry';
export { RetryOnRateLimit } from './decorators/retry-on-rate-limit';
export { Classified } from './decorators/classified';
export { RetryDefaults } from './decorators/retry-defaults';
export { CircuitBreaker } from './decorators/circuit-breaker';
export { RateLimit } from './decorators/rate-limit';
export { ConcurrencyLimit } from './decorators/concurrency-limit';
export { Fallback } from './decorators/fallback';
export { Timeout } from './decorators/timeout';
export { Hedge } from './decorators/hedge';
export type {
  AsyncMethodDecoratorFunction,
  AsyncMethodOrClassDecoratorFunction,
} from './decorators/async-method-decorator-types';
export type {
  AnyClass,
  ClassDecoratorFunction,
  ClassifiedDecoratorFunction,
  FallbackFunctionDecoratorFunction,
  FallbackRefused,
  FallbackValueDecoratorFunction,
  MethodDecoratorFunction,
  MethodOrClassDecoratorFunction,
  RetryDecoratorFunction,
  RetryOnResultDecoratorFunction,
  RetryOnResultRefused,
  SyncGeneratorRefused,
} from './decorators/decorator-types';

export { ErrorCategory } from './classify/error-category';
export type { Classifier } from './classify/classifier';
export { classifyError } from './classify/classify-error';
export { isRateLimitError } from './classify/rate-limit';
export { HttpError } from './classify/http-error';

export {
  withRetry,
  retryable,
  type FunctionRetryOptions,
  type RetryableOptions,
  type StreamRetryOptions,
} from './core/with-retry';
export { RetryContext } from './core/retry-context';
export { calculateBackoffDelay, type BackoffDelayOptions } from './backoff/calculate-backoff-delay';

export type {
  BackoffOptions,
  ErrorClass,
  JitterOption,
  JitterStrategy,
  RateLimitOptions,
  RetryDefaultsOptions,
  RetryOnContext,
  RetryOnPredicate,
  RetryOptions,
  SignalOption,
} from './policy/options';

export { Breaker } from './policies/circuit-breaker/breaker';
export { BrokenCircuitError, IsolatedCircuitError } from './policies/circuit-breaker/errors';
export type {
  BreakDurationBackoff,
  CircuitBreakerOptions,
  CircuitState,
  CircuitStateChange,
} from './policies/circuit-breaker/options';
export type {
  BreakerSnapshot,
  CircuitSnapshot,
  KeyedCircuitSnapshot,
  WindowBucketSnapshot,
} from './policies/circuit-breaker/snapshot';
export { RetryBudget, type RetryGrantOrigin } from './policies/retry-budget/retry-budget';
export { RateLimiter } from './policies/rate-limit/rate-limiter';
export { RateLimitExceededError } from './policies/rate-limit/errors';
export type { RateLimiterOptions } from './policies/rate-limit/options';
export { AttemptTimeoutError } from './policies/timeout/errors';
export type { TimeoutOptions, TimeoutSetting } from './policies/timeout/options';
export type { HedgeOptions, LatencyPercentile } from './policies/hedge/options';
export { currentAttempt, type AttemptInfo } from './core/attempt-context';
export type { RetryBudgetOptions } from './policies/retry-budget/options';
export {
  ConcurrencyLimiter,
  type ConcurrencyLimiterStats,
} from './policies/concurrency-limit/concurrency-limiter';
export {
  ConcurrencyLimitError,
  type ConcurrencyLimitReason,
} from './policies/concurrency-limit/errors';
export type { ConcurrencyLimiterOptions } from './policies/concurrency-limit/options';
export type { FallbackFilter, FallbackOptions, FallbackSetting } from './policies/fallback/options';

export {
  stats,
  type MethodStats,
  type BreakerStats,
  type BudgetStats,
  type RateLimiterStats,
} from './telemetry/statistics';
export {
  channelNames,
  type BudgetExhaustedMessage,
  type CallIdentity,
  type CircuitStateMessage,
  type ConcurrencyRejectedMessage,
  type GiveUpMessage,
  type GiveUpReason,
  type HedgeMessage,
  type RateLimitedMessage,
  type RetryMessage,
  type SuccessMessage,
  type TenaciousChannelMessages,
  type TenaciousChannelName,
} from './telemetry/channels';
