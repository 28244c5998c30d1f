import type { BenchCase } from '../harness/bench-case';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

class SyncService {
  method(value: number): number {
    return value + 1;
  }
}

/** The baselines: the same empty methods, called without any retry wrapper. */
export function directCases(): BenchCase[] {
  const asyncService = new AsyncService();
  const syncService = new SyncService();
  return [
    {
      name: 'direct async method',
      kind: 'async',
      library: 'baseline',
      call: (value) => asyncService.method(value),
    },
    {
      name: 'direct sync method',
      kind: 'sync',
      library: 'baseline',
      call: (value) => syncService.method(value),
    },
  ];
}
