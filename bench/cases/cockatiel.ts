import type { BenchCase } from '../harness/bench-case';
import { createCockatielPolicy } from './configuration';

class AsyncService {
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/** cockatiel's `retry(...).execute`; its `usePolicy` decorator is a legacy one (bench/legacy). */
export function cockatielCases(): BenchCase[] {
  const service = new AsyncService();
  const policy = createCockatielPolicy();
  return [
    {
      name: 'cockatiel retry().execute',
      kind: 'async',
      library: 'cockatiel',
      call: (value) => policy.execute(() => service.method(value)),
    },
  ];
}
