import * as basicRetry from './basic-retry';
import * as retryOnErrorClasses from './retry-on-error-classes';
import * as retryCallbackLogging from './retry-callback-logging';
import * as asyncCall from './async-call';
import * as backoffSchedule from './backoff-schedule';
import * as manualRetryContext from './manual-retry-context';
import * as vectorSearchTimeouts from './vector-search-timeouts';
import * as classDefaults from './class-defaults';
import * as bedrockInvokeRateLimit from './bedrock-invoke-rate-limit';
import * as customRateLimitError from './custom-rate-limit-error';
import * as agentStep from './agent-step';
import * as batchProcessing from './batch-processing';
import * as streamingResponse from './streaming-response';
import * as circuitBreaker from './circuit-breaker';
import * as retryBudget from './retry-budget';
import * as rateLimit from './rate-limit';
import * as rateLimitBedrockTokens from './rate-limit-bedrock-tokens';
import * as telemetry from './telemetry';
import * as concurrencyLimit from './concurrency-limit';
import * as fallback from './fallback';
import * as attemptTimeout from './attempt-timeout';
import * as hedgedRequests from './hedged-requests';
import * as productionService from './production-service';
import type { ExampleMain } from './example';

interface CatalogEntry {
  readonly description: string;
  /** Lines the example must print: `__tests__/examples.test.ts` checks each matches some output line. */
  readonly expectedOutput: readonly RegExp[];
  readonly main: ExampleMain;
}

/** The runnable examples: `npm run example -- <name>`. `__tests__/examples.test.ts` runs them all. */
export const examples: Readonly<Record<string, CatalogEntry>> = {
  'basic-retry': {
    description: 'retry an unstable HTTP API (503, 503, 200) with @Retry and undici',
    expectedOutput: [
      /attempt 1 failed \(retryable\)/,
      /attempt 2 failed \(retryable\)/,
      /price of A-1: 1299 cents, after 3 requests/,
    ],
    main: basicRetry.main,
  },
  'retry-on-error-classes': {
    description:
      'retryOn: [InventoryBusyError, ReservationConflictError]; another error class is thrown at once',
    expectedOutput: [
      /attempt 1 failed with InventoryBusyError/,
      /attempt 2 failed with ReservationConflictError/,
      /^reserved r-1: 2 x A-1, after 3 requests$/,
      /^not retried, OutOfStockError is not in retryOn: .* after 1 request\(s\)$/,
    ],
    main: retryOnErrorClasses.main,
  },
  'retry-callback-logging': {
    description:
      'onRetry / onGiveUp logging attempt, category and delay; a call that gives up after maxAttempts',
    expectedOutput: [
      /\[retry\] attempt 1 failed \(network\): .*; next attempt in \d+ ms/,
      /\[retry\] attempt 2 failed \(timeout\): HttpError: HTTP 504/,
      /^shipment S-1: in transit, after 3 requests$/,
      /\[give up\] after 3 attempts \(retryable\): HttpError: HTTP 500/,
      /^the call threw the error onGiveUp saw: true, after 3 requests$/,
    ],
    main: retryCallbackLogging.main,
  },
  'async-call': {
    description: 'withRetry and retryable around fetch(), without decorators',
    expectedOutput: [
      /^1 EUR = 1\.08 USD, after 2 requests$/,
      /attempt 2 failed \(retryable\): HttpError: HTTP 429/,
      /^user u-1 is Ada, after 3 requests$/,
      /^not retried \(non_retryable\): HttpError: HTTP 404 .* after 1 request\(s\)$/,
    ],
    main: asyncCall.main,
  },
  'backoff-schedule': {
    description:
      'the delays of each jitter strategy for attempts 1..6, from calculateBackoffDelay with a seeded random',
    expectedOutput: [
      /^none\s+1000\s+2000\s+4000\s+8000\s+16000\s+32000$/,
      /^full(\s+\d+){6}$/,
      /^equal(\s+\d+){6}$/,
      /^proportional(\s+\d+){6}$/,
      /^decorrelated(\s+\d+){6}$/,
      /^the same seed gives the same schedule: true$/,
    ],
    main: backoffSchedule.main,
  },
  'manual-retry-context': {
    description:
      'a hand-written loop with RetryContext: recordFailure, shouldRetry, getDelay, wait, currentAttempt',
    expectedOutput: [
      /attempt 1 of 4 failed \(retryable\): HttpError: HTTP 503 .*; waiting \d+ ms/,
      /attempt 2 of 4 failed \(retryable\): HttpError: HTTP 502 .*; waiting \d+ ms/,
      /^job J-1 is done, after 3 requests$/,
      /attempt 1 failed \(non_retryable\): HttpError: HTTP 400 .*; no retry$/,
      /^gave up on J-2 .* after 1 request\(s\)$/,
    ],
    main: manualRetryContext.main,
  },
  'vector-search-timeouts': {
    description:
      'a vector-search client retrying only TIMEOUT: a search over its time limit is retried, a 503 is not',
    expectedOutput: [
      /attempt 1 failed \(timeout\): TimeoutError/,
      /^top hits: sku-7 \(0\.97\), sku-3 \(0\.91\), after 2 requests$/,
      /^not retried, retryable is not in retryCategories: HttpError: HTTP 503 .* after 1 request\(s\)$/,
    ],
    main: vectorSearchTimeouts.main,
  },
  'class-defaults': {
    description:
      '@RetryDefaults on a service class: a subclass overrides one field, method options override, undecorated methods are not retried',
    expectedOutput: [
      /^CatalogService\.product, class default maxAttempts 4: .* after 4 request\(s\)$/,
      /^PremiumCatalogService\.product, subclass maxAttempts 5: .* after 5 request\(s\)$/,
      /^CatalogService\.price, method maxAttempts 2: .* after 2 request\(s\)$/,
      /^PremiumCatalogService\.price, method maxAttempts 2 wins: .* after 2 request\(s\)$/,
      /^CatalogService\.bulkExport, class rateLimit maxAttempts 6: HttpError: HTTP 429 .* after 6 request\(s\)$/,
      /^PremiumCatalogService\.bulkExport, rateLimit inherited: HttpError: HTTP 429 .* after 6 request\(s\)$/,
      /^CatalogService\.health, not decorated: .* after 1 request\(s\)$/,
    ],
    main: classDefaults.main,
  },
  'bedrock-invoke-rate-limit': {
    description:
      'Bedrock InvokeModel with @RetryOnRateLimit: ThrottlingException twice (once with Retry-After), then the completion',
    expectedOutput: [
      /^ {2}attempt 1 throttled \(ThrottlingException\); retrying in \d+ ms$/,
      // Retry-After: 0.1 is a floor under the jittered backoff (at most 100 ms here).
      /^ {2}attempt 2 throttled \(ThrottlingException\); retrying in 100 ms$/,
      /^completion: "Paris\.", after 3 requests$/,
    ],
    main: bedrockInvokeRateLimit.main,
  },
  'custom-rate-limit-error': {
    description:
      "rateLimitErrors: [QuotaExhaustedError] puts a client's own quota error on the rate-limit lane; another class is not retried",
    expectedOutput: [
      /^built-in rate-limit detection sees a QuotaExhaustedError: false$/,
      /attempt 1 failed with QuotaExhaustedError: .*; rate-limit lane, retrying in \d+ ms/,
      /attempt 2 failed with QuotaExhaustedError: .*; rate-limit lane, retrying in \d+ ms/,
      /^translation: "bonjour", after 3 requests$/,
      /^not retried, ApiDisabledError is not a rate limit: .* after 1 request\(s\)$/,
    ],
    main: customRateLimitError.main,
  },
  'agent-step': {
    description:
      'an Agent whose step() calls Bedrock Converse with @RetryOnRateLimit + @Retry and appends the reply to its conversation',
    expectedOutput: [
      /attempt 2 failed \(ThrottlingException\); retrying in \d+ ms/,
      /attempt 1 failed \(ServiceUnavailableException\); retrying in \d+ ms/,
      /^ {2}done after 3 request\(s\); the conversation has 6 messages$/,
      /^ {2}\[user\] Find a morning train\.$/,
      /^ {2}\[assistant\] Hotel du Nord has a room near Gare du Nord for 140 EUR\.$/,
      /^the last request carried 5 messages: no turn was sent twice$/,
    ],
    main: agentStep.main,
  },
  'batch-processing': {
    description:
      '12 tickets classified on Bedrock under rate limits: progress per item, failures recorded, a final report',
    expectedOutput: [
      /^\[2\/12\] T-102 ok after 2 attempts: shipping$/,
      /^\[4\/12\] T-104 failed after 1 attempt: ValidationException$/,
      /^\[8\/12\] T-108 failed after 3 attempts: ThrottlingException$/,
      /^\[12\/12\] T-112 ok after 3 attempts: other$/,
      /^report: 10 of 12 classified, 2 failed, 21 requests in all$/,
      /^ {2}T-104: ValidationException, not retryable \(non_retryable\): Input is too long/,
      /^ {2}T-108: ThrottlingException, still rate limited after 3 attempts/,
    ],
    main: batchProcessing.main,
  },
  'streaming-response': {
    description:
      'ResilientBedrock.converseStream printing text as it streams: a throttled first frame is retried, a break after text is not',
    expectedOutput: [
      /^ {2}attempt 1 failed \(ThrottlingException\); retrying in \d+ ms$/,
      /^ {2}> " wins\."$/,
      /^streamed "Try once, then again — patience wins\." after 2 requests$/,
      /^rethrown, not retried: ModelStreamErrorException after 1 request\(s\); the text above was not repeated$/,
    ],
    main: streamingResponse.main,
  },
  'circuit-breaker': {
    description:
      '@CircuitBreaker with @Retry: the outage opens it, calls fail fast, a probe closes it again',
    expectedOutput: [
      /circuit: closed -> open/,
      /^call 1 failed with HttpError 503 after 3 requests$/,
      /^call 4 failed fast: TENACIOUS_CIRCUIT_OPEN, server requests still 3$/,
      /circuit: half-open -> closed/,
      /^after the break: 12 units, 4 requests in all$/,
    ],
    main: circuitBreaker.main,
  },
  'rate-limit': {
    description:
      '@RateLimit in front of an HTTP API: a burst passes, the next calls wait their turn, one beyond maxWait fails fast',
    expectedOutput: [
      /^answered: 7, refused by the limiter: 1$/,
      /^a refusal: TENACIOUS_RATE_LIMITED \(turn in \d+ ms\)$/,
      /^server requests: 7$/,
    ],
    main: rateLimit.main,
  },
  'rate-limit-bedrock-tokens': {
    description:
      "a Bedrock tokens-per-minute quota: @RateLimit with cost from each Converse request's maxTokens",
    expectedOutput: [
      /^answered: 5; at once: [1-4], after a wait: [1-4]$/,
      /paced \(not before \d+ ms\): true$/,
      /^a request for 2014 tokens: RangeError: .*"cost" returned 2014, more than "limit" .* could never pass$/,
      /^requests the server saw: 5$/,
    ],
    main: rateLimitBedrockTokens.main,
  },
  'attempt-timeout': {
    description:
      '@Timeout with @Retry: a stalled request is aborted through currentAttempt().signal and retried',
    expectedOutput: [
      /^ {2}attempt 1 failed: TENACIOUS_ATTEMPT_TIMEOUT \(attempt 1 timed out after 250 ms\)$/,
      /^ACME: 42\.5, after 2 requests$/,
      /^requests the client abandoned: 1$/,
    ],
    main: attemptTimeout.main,
  },
  'hedged-requests': {
    description: '@Hedge against a slow tail: a second request after 100 ms, the slow one aborted',
    expectedOutput: [
      /^ {2}hedge: attempt 2 of search started after 100 ms$/,
      // One hedge per slow request; the slowest call is a slow one, answered by its hedge: 100 ms
      // of waiting and 5 ms for the hedge's answer (on the fake clock of its test).
      /^20 calls, 22 requests, 2 hedges$/,
      /^the slowest call took 105 ms; a slow request alone takes 400 ms$/,
      /^every slow request was aborted at the server: true$/,
    ],
    main: hedgedRequests.main,
  },
  'retry-budget': {
    description: 'a RetryBudget shared by two classes bounds the requests of a full outage',
    expectedOutput: [
      /^without a budget: 200 calls sent 600 requests \(3\.00x\)$/,
      /^with a shared budget: 200 calls sent 2[0-9]{2} requests \(1\.[0-9]{2}x\)$/,
    ],
    main: retryBudget.main,
  },
  'concurrency-limit': {
    description:
      '@ConcurrencyLimit: 3 calls at once, 5 queued in FIFO order, the rest fail fast; an aborted call leaves the queue',
    expectedOutput: [
      /^10 calls made: 3 running, 5 queued$/,
      /^call 5 left the queue: call 5: the user closed the page$/,
      /^call 9 failed fast: TENACIOUS_CONCURRENCY_LIMIT \(full\)$/,
      /^call 10 failed fast: TENACIOUS_CONCURRENCY_LIMIT \(full\)$/,
      /^calls started in the order they were made: 1, 2, 3, 4, 6, 7, 8$/,
      /^stats: 7 admitted, 2 rejected, 1 aborted while queued$/,
    ],
    main: concurrencyLimit.main,
  },
  fallback: {
    description:
      '@Fallback with @Retry: the last good answer once retries are exhausted, [] for a 404, never for an abort',
    expectedOutput: [
      /^live: B-2, C-3$/,
      /^service down: B-2, C-3 \(the last good list, after 3 requests\)$/,
      /^unknown product: \[\]$/,
      /^aborted by the caller: request cancelled by the caller \(no fallback\)$/,
    ],
    main: fallback.main,
  },
  telemetry: {
    description:
      'diagnostics channels, tenacious/opentelemetry metrics and stats() for a retried method, with no hooks',
    expectedOutput: [
      /^retry: Prices\.quote attempt 1 failed \(retryable\), retry in 0 ms$/,
      /^retry: Prices\.quote attempt 2 failed \(retryable\), retry in 0 ms$/,
      /^success: Prices\.quote after 3 attempts$/,
      /^stats\(prices\.quote\): calls 2, attempts 4, retries 2, recovered 1, give-ups 0$/,
      /^metric tenacious\.attempts\{outcome="retried"\} 2$/,
      /^metric tenacious\.attempts\{outcome="recovered"\} 1$/,
    ],
    main: telemetry.main,
  },
  'production-service': {
    description:
      'a Bedrock wrapper class stacking @Fallback, @ConcurrencyLimit, @Retry/@RetryOnRateLimit, @CircuitBreaker, @RateLimit and @Timeout through throttling, a stall and an outage',
    expectedOutput: [
      /^answered: 6 of 6; most in flight at once: 2; token quota: \d at once, \d after a wait$/,
      /paced \(not before \d+ ms\): true$/,
      /^ {2}\[retry\] attempt 2 failed \(ThrottlingException\); next in \d+ ms$/,
      /^answer: "An answer\." after 3 requests$/,
      /^ {2}\[retry\] attempt 1 failed \(AttemptTimeoutError TENACIOUS_ATTEMPT_TIMEOUT\); next in 20 ms$/,
      /^answer: "An answer\." after 2 requests$/,
      /^requests the client abandoned at the server: 1$/,
      /^ {2}\[breaker\] closed -> open$/,
      /^call 1: "Our assistant is busy.*" \(server requests so far: 3\)$/,
      /^ {2}\[fallback\] canned answer instead of BrokenCircuitError TENACIOUS_CIRCUIT_OPEN$/,
      /^call 3: "Our assistant is busy.*" \(server requests so far: 3\)$/,
      /^ {2}\[breaker\] half-open -> closed$/,
      /^answer: "Back to normal\.", breaker closed$/,
      /^the Bedrock server saw 15 Converse requests$/,
      /^ask: calls 12, attempts 15, retries 5, give-ups 1, rejections 2$/,
      /^breaker: opened 1, failed fast 2$/,
      /^fallbacks: 3$/,
    ],
    main: productionService.main,
  },
};
