import type { PolicyRegistration } from '../core/policy-registry';
import { attemptContextRegistration } from './attempt-context/pipeline-policy';
import { circuitBreakerRegistration } from './circuit-breaker/pipeline-policy';
import { rateLimiterRegistration } from './rate-limit/pipeline-policy';
import { concurrencyLimitRegistration } from './concurrency-limit/pipeline-policy';
import { fallbackRegistration } from './fallback/pipeline-policy';
import { hedgeRegistration } from './hedge/pipeline-policy';
import { retryBudgetRegistration } from './retry-budget/pipeline-policy';
import { timeoutRegistration } from './timeout/pipeline-policy';

/**
 * Every policy kind besides the retry lanes, each registered once here. A new kind adds its
 * folder (src/policies/<kind>/), one line here and its decorator: never the retry loop or the
 * fast path (src/core/fast-path/README.md). The order here does not matter: the pipeline orders
 * policies by kind (`policyOrder`, src/core/pipeline.ts).
 */
export const policyRegistrations: readonly PolicyRegistration[] = [
  retryBudgetRegistration,
  circuitBreakerRegistration,
  rateLimiterRegistration,
  concurrencyLimitRegistration,
  fallbackRegistration,
  timeoutRegistration,
  hedgeRegistration,
  attemptContextRegistration,
];
