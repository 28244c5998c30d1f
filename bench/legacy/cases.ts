// Compiled by bench/tsconfig.legacy.json with `experimentalDecorators`, as NestJS and Angular
// projects compile decorators; reflect-metadata first, as those projects load it.
import 'reflect-metadata';
import { usePolicy } from 'cockatiel';
import { Retryable } from 'typescript-retry-decorator';
import { Retry, type MethodDecoratorFunction } from '../../src';
import {
  createCockatielPolicy,
  retryDecoratorOptions,
  tenaciousOptions,
} from '../cases/configuration';
import { currentPeersAvailable } from '../cases/node-version';
import type { BenchCase, CaseModule } from '../harness/bench-case';
import { decoratorModeProbe } from '../harness/decorator-mode';

const probe = decoratorModeProbe();

class Probe {
  @probe.decorator
  method(): void {}
}

class RetryAsyncService {
  @Retry(tenaciousOptions)
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

class RetrySyncService {
  @Retry(tenaciousOptions)
  method(value: number): number {
    return value + 1;
  }
}

// cockatiel types `usePolicy` for legacy decorators only; the cast lets tsconfig.json, which
// type-checks all of bench/ in standard mode, accept this file too. The emitted code is the same.
const cockatielPolicy = usePolicy(createCockatielPolicy()) as MethodDecoratorFunction;

class UsePolicyService {
  // usePolicy appends cockatiel's context as a last argument, which the method ignores.
  @cockatielPolicy
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

class RetryableService {
  @Retryable(retryDecoratorOptions)
  async method(value: number): Promise<number> {
    return value + 1;
  }
}

/**
 * The cases whose decorators are legacy ones: `@Retry` again, cockatiel 3's `usePolicy` (on Node
 * 20 only: cockatiel 4 replaces it on 22+, in bench/cases/cockatiel.ts) and
 * typescript-retry-decorator's.
 */
export function legacyCases(): CaseModule {
  void Probe;
  const retryAsync = new RetryAsyncService();
  const retrySync = new RetrySyncService();
  const usePolicyService = new UsePolicyService();
  const retryableService = new RetryableService();
  return {
    decoratorMode: probe.mode(),
    cases: [
      {
        name: 'tenacious @Retry async (legacy)',
        kind: 'async',
        library: 'tenacious',
        call: (value) => retryAsync.method(value),
      },
      {
        name: 'tenacious @Retry sync (legacy)',
        kind: 'sync',
        library: 'tenacious',
        call: (value) => retrySync.method(value),
      },
      ...(currentPeersAvailable
        ? []
        : [
            {
              name: 'cockatiel 3 @usePolicy',
              kind: 'async',
              library: 'cockatiel',
              call: (value: number) => usePolicyService.method(value),
            } satisfies BenchCase,
          ]),
      {
        name: 'typescript-retry-decorator @Retryable',
        kind: 'async',
        library: 'typescript-retry-decorator',
        call: (value) => retryableService.method(value),
      },
    ],
  };
}
