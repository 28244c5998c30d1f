// npm run bench [-- --quick]
// The cost of retry wrappers when nothing fails (the common case), and when one attempt fails and
// the retry is immediate, compared with a direct call and with peers, in one run.
import { ConstantBackoff, ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { backOff } from 'exponential-backoff';
import { HttpError, Retry, retryable, withRetry } from '../src';
import { printResults, runCases, type BenchCase } from './harness';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 3 : 15;
  const operations = quick ? 2_000 : 50_000;
  // p-retry is ESM-only; the dynamic import stays an import() under module "nodenext".
  const { default: pRetry } = await import('p-retry');

  const asyncWork = async (value: number): Promise<number> => value + 1;
  const syncWork = (value: number): number => value + 1;

  class Service {
    @Retry()
    async fetchValue(value: number): Promise<number> {
      return value + 1;
    }

    @Retry()
    computeValue(value: number): number {
      return value + 1;
    }
  }
  const service = new Service();
  const retryingAsyncWork = retryable(asyncWork);
  const retryingSyncWork = retryable(syncWork);
  const cockatielPolicy = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });

  const successCases: BenchCase[] = [
    { name: 'direct async call', run: () => asyncWork(1) },
    { name: 'tenacious @Retry async method', run: () => service.fetchValue(1) },
    { name: 'tenacious retryable(async fn)', run: () => retryingAsyncWork(1) },
    { name: 'tenacious withRetry(fn)', run: () => withRetry(() => asyncWork(1)) },
    { name: 'cockatiel retry().execute(fn)', run: () => cockatielPolicy.execute(() => asyncWork(1)) },
    { name: 'p-retry pRetry(fn)', run: () => pRetry(() => asyncWork(1)) },
    { name: 'exponential-backoff backOff(fn)', run: () => backOff(() => asyncWork(1)) },
  ];
  printResults('Success path, async (lower is better)', await runCases(successCases, rounds, operations));

  const syncCases: BenchCase[] = [
    { name: 'direct sync call', run: () => syncWork(1) },
    { name: 'tenacious @Retry sync method', run: () => service.computeValue(1) },
    { name: 'tenacious retryable(sync fn)', run: () => retryingSyncWork(1) },
  ];
  printResults('Success path, sync (peers have no synchronous form)', await runCases(syncCases, rounds, operations * 4));

  // One failure, then success, with a zero delay: the cost of classifying, deciding and re-invoking.
  const failOnce = (): (() => Promise<number>) => {
    let calls = 0;
    return async () => {
      calls += 1;
      if (calls % 2 === 1) throw new HttpError(503);
      return calls;
    };
  };
  const tenaciousFailOnce = failOnce();
  const cockatielFailOnce = failOnce();
  const pRetryFailOnce = failOnce();
  const backOffFailOnce = failOnce();
  const cockatielImmediate = retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(0) });
  const retryingImmediately = retryable(tenaciousFailOnce, { initialDelay: 0, maxDelay: 0 });
  const failureCases: BenchCase[] = [
    { name: 'tenacious retryable, 1 failure, 0 ms delay', run: () => retryingImmediately() },
    { name: 'cockatiel, 1 failure, 0 ms delay', run: () => cockatielImmediate.execute(cockatielFailOnce) },
    { name: 'p-retry, 1 failure, 0 ms delay', run: () => pRetry(pRetryFailOnce, { retries: 1, minTimeout: 0 }) },
    { name: 'exponential-backoff, 1 failure, 0 ms delay', run: () => backOff(backOffFailOnce, { numOfAttempts: 2, startingDelay: 0 }) },
  ];
  printResults('One retry (ratios against tenacious)', await runCases(failureCases, rounds, Math.ceil(operations / 100)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
