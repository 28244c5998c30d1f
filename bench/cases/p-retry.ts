import type { BenchCase } from '../harness/bench-case';
import { pRetryOptions } from './configuration';
import { currentPeersAvailable } from './node-version';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/**
 * p-retry 9 on Node 22+ (the `p-retry-9` alias), p-retry 7 on Node 20. ESM only, hence the
 * dynamic import (kept as `import()` by module "nodenext").
 */
export async function pRetryCases(): Promise<BenchCase[]> {
  const service = new AsyncService();
  if (currentPeersAvailable) {
    const { default: pRetry } = await import('p-retry-9');
    return [
      {
        name: 'p-retry 9 pRetry',
        kind: 'async',
        library: 'p-retry',
        call: (value) => pRetry(() => service.method(value), pRetryOptions),
      },
    ];
  }
  const { default: pRetry } = await import('p-retry');
  return [
    {
      name: 'p-retry 7 pRetry',
      kind: 'async',
      library: 'p-retry',
      call: (value) => pRetry(() => service.method(value), pRetryOptions),
    },
  ];
}
