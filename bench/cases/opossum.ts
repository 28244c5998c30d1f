import CircuitBreaker from 'opossum';
import type { BenchCase } from '../harness/bench-case';
import { opossumOptions } from './configuration';
import { currentPeersAvailable } from './node-version';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/** opossum 10's `fire()` (Node 22+): a circuit breaker only, no retries. */
export function opossumCases(): BenchCase[] {
  if (!currentPeersAvailable) return [];
  const service = new AsyncService();
  const breaker = new CircuitBreaker((value: number) => service.method(value), opossumOptions);
  return [
    {
      name: 'opossum 10 fire()',
      kind: 'async',
      library: 'opossum',
      call: (value) => breaker.fire(value),
      // Its rolling statistics run on an interval.
      dispose: () => breaker.shutdown(),
    },
  ];
}
