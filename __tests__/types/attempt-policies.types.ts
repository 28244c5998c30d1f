// Type-level tests for @Timeout, @Hedge and currentAttempt(). Not run by jest: `npm run typecheck`
// compiles this file. Plain lines must compile; a line under `// @ts-expect-error` must not.
import {
  AttemptTimeoutError,
  Hedge,
  Retry,
  RetryDefaults,
  Timeout,
  currentAttempt,
  retryable,
  withRetry,
  type AttemptInfo,
  type HedgeOptions,
  type TimeoutSetting,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <Condition extends true>(): Condition | undefined => undefined;

// --- What must compile ---------------------------------------------------------------------

@Timeout(5_000)
@RetryDefaults({
  timeout: { ms: 1_000 },
  hedge: { delay: 'p95', maxHedges: 2 },
  attemptContext: true,
})
export class Service {
  @Retry()
  @Timeout({ ms: 200 })
  @Hedge({ delay: 50 })
  async fetch(id: string): Promise<string> {
    const attempt = currentAttempt();
    return `${id}:${attempt?.attempt ?? 0}`;
  }

  @Timeout(200)
  async *stream(): AsyncGenerator<string> {
    yield 'a';
  }

  @Hedge({ delay: 'p99' })
  fetchLater(): Promise<number> {
    return Promise.resolve(1);
  }
}

holds<Equals<ReturnType<typeof currentAttempt>, AttemptInfo | undefined>>();
holds<Equals<AttemptInfo['signal'], AbortSignal>>();
const setting: TimeoutSetting = 100;
const hedge: HedgeOptions = { delay: 'p90' };
void withRetry(async () => 1, { timeout: setting, hedge });
void retryable(async (id: string) => id, { timeout: { ms: 10 } });
const timeoutCode: 'TENACIOUS_ATTEMPT_TIMEOUT' = new AttemptTimeoutError(1, 1).code;
void timeoutCode;

// --- What must not compile -----------------------------------------------------------------

export class Refused {
  // @ts-expect-error -- a synchronous method cannot be timed out
  @Timeout(100)
  total(): number {
    return 1;
  }

  // @ts-expect-error -- nor hedged
  @Hedge({ delay: 10 })
  sum(): number {
    return 1;
  }
}

// @ts-expect-error -- an unknown percentile
Hedge({ delay: 'p50' });
// @ts-expect-error -- a delay is required
Hedge({ maxHedges: 2 });
// @ts-expect-error -- a string is not milliseconds
Timeout('5s');
