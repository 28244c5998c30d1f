import * as basicRetry from './basic-retry';
import * as retryOnErrorClasses from './retry-on-error-classes';
import * as retryCallbackLogging from './retry-callback-logging';
import * as asyncCall from './async-call';
import * as backoffSchedule from './backoff-schedule';
import * as manualRetryContext from './manual-retry-context';
import * as vectorSearchTimeouts from './vector-search-timeouts';
import * as classDefaults from './class-defaults';
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
    expectedOutput: [/attempt 1 failed \(retryable\)/, /attempt 2 failed \(retryable\)/, /price of A-1: 1299 cents, after 3 requests/],
    main: basicRetry.main,
  },
  'retry-on-error-classes': {
    description: 'retryOn: [InventoryBusyError, ReservationConflictError]; another error class is thrown at once',
    expectedOutput: [
      /attempt 1 failed with InventoryBusyError/,
      /attempt 2 failed with ReservationConflictError/,
      /^reserved r-1: 2 x A-1, after 3 requests$/,
      /^not retried, OutOfStockError is not in retryOn: .* after 1 request\(s\)$/,
    ],
    main: retryOnErrorClasses.main,
  },
  'retry-callback-logging': {
    description: 'onRetry / onGiveUp logging attempt, category and delay; a call that gives up after maxAttempts',
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
    description: 'the delays of each jitter strategy for attempts 1..6, from calculateBackoffDelay with a seeded random',
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
    description: 'a hand-written loop with RetryContext: recordFailure, shouldRetry, getDelay, wait, currentAttempt',
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
    description: 'a vector-search client retrying only TIMEOUT: a headers timeout is retried, a 503 is not',
    expectedOutput: [
      /attempt 1 failed \(timeout\): HeadersTimeoutError/,
      /^top hits: sku-7 \(0\.97\), sku-3 \(0\.91\), after 2 requests$/,
      /^not retried, retryable is not in retryCategories: HttpError: HTTP 503 .* after 1 request\(s\)$/,
    ],
    main: vectorSearchTimeouts.main,
  },
  'class-defaults': {
    description: '@RetryDefaults on a service class: a subclass overrides one field, method options override, undecorated methods are not retried',
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
};
