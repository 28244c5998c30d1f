/** Names of the cases the targets compare, shared by the cases and harness/targets.ts. */
export const breakerPeerCaseName = 'tenacious @Retry + @CircuitBreaker + budget async (Stage-3)';
export const withRetryCaseName = 'tenacious withRetry (same options object)';
export const cockatielBreakerCaseName = 'cockatiel 4 wrap(retry, circuitBreaker).execute';
