import type { BenchCase } from '../harness/bench-case';
import { cockatielBreakerCaseName } from '../harness/case-names';
import {
  createCockatiel4Breaker,
  createCockatiel4RetryPolicy,
  createCockatielPolicy,
} from './configuration';
import { currentPeersAvailable } from './node-version';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

class WrappedService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/**
 * cockatiel 4 on Node 22+: `retry(...).execute` and `wrap(retry, circuitBreaker).execute`, the
 * peer of `@Retry` + `@CircuitBreaker`. On Node 20, cockatiel 3's `retry(...).execute` (its
 * `usePolicy` decorator is a legacy one, in bench/legacy). ESM only from 4, hence the import().
 */
export async function cockatielCases(): Promise<BenchCase[]> {
  const service = new AsyncService();
  if (!currentPeersAvailable) {
    const policy = createCockatielPolicy();
    return [
      {
        name: 'cockatiel 3 retry().execute',
        kind: 'async',
        library: 'cockatiel',
        call: (value) => policy.execute(() => service.method(value)),
      },
    ];
  }
  const cockatiel = await import('cockatiel-4');
  const retryPolicy = createCockatiel4RetryPolicy(cockatiel);
  const wrapped = cockatiel.wrap(
    createCockatiel4RetryPolicy(cockatiel),
    createCockatiel4Breaker(cockatiel),
  );
  const wrappedService = new WrappedService();
  return [
    {
      name: 'cockatiel 4 retry().execute',
      kind: 'async',
      library: 'cockatiel',
      call: (value) => retryPolicy.execute(() => service.method(value)),
    },
    {
      name: cockatielBreakerCaseName,
      kind: 'async',
      library: 'cockatiel',
      call: (value) => wrapped.execute(() => wrappedService.method(value)),
    },
  ];
}
