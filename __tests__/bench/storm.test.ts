import { HttpError, withRetry, type FunctionRetryOptions } from '../../src';
import {
  decoratedMethodDriver,
  retryContextDriver,
  type RetryDriver,
} from '../../bench/storm/retry-driver';
import {
  policyAvailable,
  protectionPolicies,
  protectionServers,
} from '../../bench/storm/protection';
import { runStormBench, type StormReport } from '../../bench/storm/run';
import { jitterStrategies } from '../../bench/storm/scenarios';
import { seededRandom } from '../../bench/storm/seeded-random';
import { VirtualClock } from '../../bench/storm/virtual-clock';

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
  '--rates',
  '5,20',
  '--protection-seconds',
  '20',
];

describe('npm run bench:storm', () => {
  let report: StormReport;
  let text: string;

  beforeAll(async () => {
    report = JSON.parse(await runStormBench([...tinyArguments, '--json'])) as StormReport;
    text = await runStormBench(tinyArguments);
    // Simulated time runs fast, but a busy machine is slow: a few seconds of real work.
  }, 60_000);

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

  it('rejects an option it does not know', async () => {
    await expect(runStormBench(['--client', '10'])).rejects.toThrow(/Unknown option '--client'/);
  });

  const protectionCases = [5, 20].flatMap((rate) =>
    protectionServers.flatMap((server) =>
      protectionPolicies.map((policy) => [rate, server, policy] as const),
    ),
  );

  it.each(protectionCases)(
    'reports budgets and breakers at %d requests/s against a %s with %s, measured where the build has it',
    (rate, server, policy) => {
      expect(text).toMatch(
        new RegExp(`\\|\\s+${rate} \\| ${server}\\s+\\| ${escape(policy)}\\s+\\|`),
      );
      const row = report.protection.find(
        (candidate) =>
          candidate.rate === rate && candidate.server === server && candidate.policy === policy,
      )!;
      expect(row.requests).toBe(rate * 20);
      expect(row.available).toBe(policyAvailable(policy));
      if (!row.available) {
        expect(row.callsPerRequest).toBeNull();
        return;
      }
      for (const percent of [row.servedPercent!, row.neverReachedPercent!]) {
        expect(percent >= 0 && percent <= 100).toBe(true);
      }
      // Every request makes its first call unless an open circuit refuses it; none makes more
      // than @Retry's 3 attempts.
      expect(row.callsPerRequest).toBeLessThanOrEqual(3);
      if (!policy.includes('@CircuitBreaker')) expect(row.neverReachedPercent).toBe(0);
      // DESIGN's bound for the default budget, (1.1 + 10/R) calls per request.
      if (row.bound !== null) {
        expect(row.callsPerRequest).toBeLessThanOrEqual(row.bound);
        expect(row.withinBound).toBe(true);
      }
    },
  );

  it('shows the load plain retries add: 3x in a full outage, between 1x and 3x in a brownout', () => {
    const row = (rate: number, server: string, policy: string) =>
      report.protection.find(
        (candidate) =>
          candidate.rate === rate && candidate.server === server && candidate.policy === policy,
      )!;
    for (const rate of [5, 20]) {
      expect(row(rate, 'full outage', 'no retries').callsPerRequest).toBe(1);
      expect(row(rate, 'full outage', '@Retry(), no budget').callsPerRequest).toBe(3);
      expect(row(rate, 'full outage', '@Retry(), no budget').servedPercent).toBe(0);
      const brownout = row(rate, '50% brownout', '@Retry(), no budget');
      expect(brownout.callsPerRequest).toBeGreaterThan(1);
      expect(brownout.callsPerRequest).toBeLessThan(3);
      expect(brownout.servedPercent).toBeGreaterThan(
        row(rate, '50% brownout', 'no retries').servedPercent!,
      );
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the virtual clock of the budget and breaker scenarios', () => {
  it('fires timers in simulated time order, moves Date.now and restores the real functions', async () => {
    const realSetTimeout = globalThis.setTimeout;
    const realDateNow = Date.now;
    const clock = new VirtualClock();
    const restore = clock.install();
    const fired: [string, number][] = [];
    try {
      const start = Date.now();
      setTimeout(() => fired.push(['late', Date.now() - start]), 5_000);
      const cancelled = setTimeout(() => fired.push(['cancelled', clock.now]), 10);
      clearTimeout(cancelled);
      clock.at(100, () => {
        void new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          fired.push(['after a sleep', clock.now]),
        );
      });
      await clock.run(60_000);
    } finally {
      restore();
    }
    expect(fired).toEqual([
      ['after a sleep', 150],
      ['late', 5_000],
    ]);
    expect(clock.clockReads).toBeGreaterThan(0);
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(Date.now).toBe(realDateNow);
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
