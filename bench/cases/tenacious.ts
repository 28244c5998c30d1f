import { Retry, retryable } from '../../src';
import type { BenchCase } from '../harness/bench-case';
import { withRetryCaseName } from '../harness/case-names';
import { optionalExports, tenaciousOptions } from './retry-settings';

// Compiled by bench/tsconfig.json: TC39 standard (Stage-3) decorators. The options are the ones a
// user writes, so once the default retry budget exists these cases include it.
class AsyncService {
  @Retry(tenaciousOptions)
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

class SyncService {
  @Retry(tenaciousOptions)
  method(value: number): number {
    return value + 1;
  }
}

class WithRetryService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/** `@Retry` (Stage-3), `retryable` and `withRetry`; each case has its own instance or wrapper. */
export function tenaciousCases(): BenchCase[] {
  const asyncService = new AsyncService();
  const syncService = new SyncService();
  const retryingAsync = retryable(
    async (value: number): Promise<number> => value + 1,
    tenaciousOptions,
  );
  const retryingSync = retryable((value: number): number => value + 1, tenaciousOptions);
  return [
    {
      name: 'tenacious @Retry async (Stage-3)',
      kind: 'async',
      library: 'tenacious',
      call: (value) => asyncService.method(value),
    },
    {
      name: 'tenacious retryable async',
      kind: 'async',
      library: 'tenacious',
      call: (value) => retryingAsync(value),
    },
    ...withRetryCases(),
    {
      name: 'tenacious @Retry sync (Stage-3)',
      kind: 'sync',
      library: 'tenacious',
      call: (value) => syncService.method(value),
    },
    {
      name: 'tenacious retryable sync',
      kind: 'sync',
      library: 'tenacious',
      call: (value) => retryingSync(value),
    },
  ];
}

/** `withRetry(fn, options)` per call, with one options object shared by every call. */
function withRetryCases(): BenchCase[] {
  const { withRetry } = optionalExports;
  if (withRetry === undefined) return [];
  const service = new WithRetryService();
  return [
    {
      name: withRetryCaseName,
      kind: 'async',
      library: 'tenacious',
      call: (value) => withRetry(() => service.method(value), tenaciousOptions),
    },
  ];
}
