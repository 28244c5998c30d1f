import { Retry, retryable, withRetry } from '../../src';
import type { BenchCase } from '../harness/bench-case';
import { tenaciousOptions } from './configuration';

// Compiled by bench/tsconfig.json: TC39 standard (Stage-3) decorators.
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
  const withRetryService = new WithRetryService();
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
    {
      name: 'tenacious withRetry',
      kind: 'async',
      library: 'tenacious',
      call: (value) => withRetry(() => withRetryService.method(value), tenaciousOptions),
    },
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
