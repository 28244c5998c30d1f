import { HttpError, withRetry, type FunctionRetryOptions } from '../../src';
import {
  decoratedMethodDriver,
  retryContextDriver,
  type RetryDriver,
} from '../../bench/storm/retry-driver';
import { runStormBench, type StormReport } from '../../bench/storm/run';
import { jitterStrategies } from '../../bench/storm/scenarios';
import { seededRandom } from '../../bench/storm/seeded-random';

// A tiny configuration: N = 40 is contended (5 calls per 100 ms slot), N = 10 is not.
const tinyArguments = [
  '--clients',
  '10,40',
  '--trials',
  '2',
  '--seed',
  '7',
  '--outage-requests',
  '100',
];

describe('npm run bench:storm', () => {
  const report = JSON.parse(runStormBench([...tinyArguments, '--json'])) as StormReport;
  const text = runStormBench(tinyArguments);

  it.each(
    jitterStrategies.flatMap((jitter) => [10, 40].map((clients) => [jitter, clients] as const)),
  )(
    'reports %s jitter for N = %d, in the table and in the JSON, with finite numbers',
    (jitter, clients) => {
      expect(text).toMatch(new RegExp(`\\|\\s+${clients} \\| ${jitter}\\s+\\|`));
      const row = report.storm.find(
        (candidate) => candidate.jitter === jitter && candidate.clients === clients,
      );
      expect(row).toBeDefined();
      for (const value of [row!.calls, row!.callsPerClient, row!.lastDoneSeconds, row!.gaveUp]) {
        expect(Number.isFinite(value)).toBe(true);
      }
      // Every client makes at least its first call.
      expect(row!.calls).toBeGreaterThanOrEqual(clients);
    },
  );

  it('shows full jitter making fewer calls than no jitter when clients contend', () => {
    const callsOf = (jitter: string): number =>
      report.storm.find((row) => row.clients === 40 && row.jitter === jitter)!.calls;
    // Without jitter the 35 refused clients retry in lockstep, and each round serves only 5.
    expect(callsOf('none')).toBe(40 + 35 + 30 + 25 + 20 + 15 + 10 + 5);
    expect(callsOf('full')).toBeLessThan(callsOf('none'));
  });

  it.each([
    ['@Retry()', '503', 3],
    ['@RetryOnRateLimit()', '503', 1],
    ['@RetryOnRateLimit()', '429', 5],
    ['@Retry() + @RetryOnRateLimit()', '429', 5],
    ['@Retry() + @RetryOnRateLimit()', '429 or 503 at random', 7],
  ])(
    'in the outage, %s against %s makes at most the calls its lanes allow (%d)',
    (policy, answers, most) => {
      const row = report.outage.find(
        (candidate) => candidate.policy === policy && candidate.serverAnswers === answers,
      )!;
      expect(text).toContain(`| ${policy}`);
      expect(row.mostCallsForOneRequest).toBe(most);
      expect(row.callsPerRequest).toBeGreaterThanOrEqual(1);
      expect(row.callsPerRequest).toBeLessThanOrEqual(most);
      expect(row.succeededPercent + row.gaveUpPercent).toBeCloseTo(100);
    },
  );

  it('rejects an option it does not know', () => {
    expect(() => runStormBench(['--client', '10'])).toThrow(/Unknown option '--client'/);
  });
});

describe('the simulated clients decide as the library does', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  const statuses = [429, 503, 429, 503, 429, 429, 503, 503];

  /** The delays a driver asks for, failing each attempt with the next status, until it gives up. */
  function driverDelays(driver: RetryDriver): number[] {
    const delays: number[] = [];
    for (const status of statuses) {
      driver.beginAttempt();
      const delay = driver.recordFailure(new HttpError(status));
      if (delay === undefined) break;
      delays.push(delay);
    }
    return delays;
  }

  /** The delays withRetry waits (its onRetry callbacks), against the same failures. */
  async function withRetryDelays(
    options: (
      random: () => number,
      onRetry: FunctionRetryOptions['onRetry'],
    ) => FunctionRetryOptions,
  ): Promise<number[]> {
    const delays: number[] = [];
    let call = 0;
    const onRetry = (_error: unknown, _attempt: number, delay: number): void => {
      delays.push(delay);
    };
    const promise = withRetry(
      () => Promise.reject(new HttpError(statuses[call++])),
      options(seededRandom(3), onRetry),
    );
    const settled = expect(promise).rejects.toBeInstanceOf(HttpError);
    await jest.runAllTimersAsync();
    await settled;
    return delays;
  }

  it.each([
    [
      'a RetryContext (@Retry)',
      () => retryContextDriver({ random: seededRandom(3) }),
      (random: () => number, onRetry: FunctionRetryOptions['onRetry']) => ({ random, onRetry }),
    ],
    [
      'both lanes (@Retry + @RetryOnRateLimit)',
      () => {
        const random = seededRandom(3);
        return decoratedMethodDriver({ retry: { random }, rateLimit: { random } });
      },
      (random: () => number, onRetry: FunctionRetryOptions['onRetry']) => ({
        random,
        onRetry,
        rateLimit: { random, onRetry },
      }),
    ],
  ])('%s waits what withRetry waits', async (_name, makeDriver, options) => {
    const expected = await withRetryDelays(options);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(driverDelays(makeDriver())).toEqual(expected);
  });
});
