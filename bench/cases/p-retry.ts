import type { BenchCase } from '../harness/bench-case';
import { pRetryOptions } from './configuration';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/** p-retry is ESM only, hence the dynamic import (kept as `import()` by module "nodenext"). */
export async function pRetryCases(): Promise<BenchCase[]> {
  const { default: pRetry } = await import('p-retry');
  const service = new AsyncService();
  return [
    {
      name: 'p-retry pRetry',
      kind: 'async',
      library: 'p-retry',
      call: (value) => pRetry(() => service.method(value), pRetryOptions),
    },
  ];
}
