import { HttpError, type JitterStrategy } from '../../src';
import { retryDefaults } from '../../src/policy/defaults';
import { decoratedMethodDriver, retryContextDriver, type RetryDriver } from './retry-driver';
import { combineSeeds, seededRandom } from './seeded-random';
import { OutageServer, SlottedCapacityServer } from './server-model';
import { simulate, type SimulatedRequest } from './simulation';

export const jitterStrategies = [
  'none',
  'full',
  'equal',
  'decorrelated',
  'proportional',
] as const satisfies readonly JitterStrategy[];

export interface StormConfig {
  /** Client counts N to simulate. */
  readonly clients: readonly number[];
  readonly seed: number;
  /** Runs per (N, jitter), each with other seeds; the table shows their mean. */
  readonly trials: number;
  /** Calls the server serves per slot. */
  readonly capacity: number;
  readonly slotMs: number;
  readonly maxAttempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly exponentialBase: number;
  /** How long the full outage lasts, in ms. */
  readonly outageMs: number;
  /** Logical requests arriving, evenly spaced, during the outage. */
  readonly outageRequests: number;
  /** Steady request rates (per second) of the budget and breaker scenarios (protection.ts). */
  readonly rates: readonly number[];
  /** How long requests arrive in those scenarios, in seconds. */
  readonly protectionSeconds: number;
}

export const defaultStormConfig: StormConfig = {
  clients: [10, 25, 50, 100, 150, 200],
  seed: 1,
  trials: 10,
  capacity: 5,
  slotMs: 100,
  maxAttempts: 50,
  initialDelay: retryDefaults.initialDelay,
  maxDelay: retryDefaults.maxDelay,
  exponentialBase: retryDefaults.exponentialBase,
  outageMs: 60_000,
  outageRequests: 1_000,
  rates: [20, 100],
  protectionSeconds: 60,
};

export interface StormRow {
  readonly clients: number;
  readonly jitter: JitterStrategy;
  /** Mean over the trials of the calls the server received. */
  readonly calls: number;
  readonly callsPerClient: number;
  /** Mean over the trials of when the last client was done, in seconds. */
  readonly lastDoneSeconds: number;
  /** Mean over the trials of the clients that ran out of attempts. */
  readonly gaveUp: number;
}

/**
 * N clients make one request each at time 0 against a server that serves `capacity` calls per
 * slot and refuses the rest with a 503; each retries through its own `RetryContext`.
 */
export function runStormScenario(
  config: StormConfig,
  clients: number,
  jitter: JitterStrategy,
): StormRow {
  let calls = 0;
  let lastDone = 0;
  let gaveUp = 0;
  for (let trial = 0; trial < config.trials; trial++) {
    const requests: SimulatedRequest[] = Array.from({ length: clients }, (_, client) => ({
      startsAt: 0,
      driver: retryContextDriver({
        maxAttempts: config.maxAttempts,
        initialDelay: config.initialDelay,
        maxDelay: config.maxDelay,
        exponentialBase: config.exponentialBase,
        jitter,
        random: seededRandom(combineSeeds(config.seed, trial, client)),
      }),
    }));
    const result = simulate(
      new SlottedCapacityServer(config.capacity, config.slotMs, () => new HttpError(503)),
      requests,
    );
    calls += result.calls;
    lastDone += result.lastEndedAt;
    gaveUp += result.gaveUp;
  }
  const meanCalls = calls / config.trials;
  return {
    clients,
    jitter,
    calls: meanCalls,
    callsPerClient: meanCalls / clients,
    lastDoneSeconds: lastDone / config.trials / 1000,
    gaveUp: gaveUp / config.trials,
  };
}

export function runStormScenarios(config: StormConfig): StormRow[] {
  return config.clients.flatMap((clients) =>
    jitterStrategies.map((jitter) => runStormScenario(config, clients, jitter)),
  );
}

export interface OutageRow {
  readonly policy: string;
  readonly serverAnswers: string;
  readonly callsPerRequest: number;
  readonly mostCallsForOneRequest: number;
  /** Requests that were served after the outage ended, thanks to their retries. */
  readonly succeededPercent: number;
  readonly gaveUpPercent: number;
  /** Calls in the busiest second, divided by the requests arriving per second. */
  readonly peakLoadFactor: number;
}

type DriverFactory = (random: () => number) => RetryDriver;

/** The library's defaults; only `random` is injected, for reproducible runs. */
const defaultPolicies: readonly { readonly name: string; readonly driver: DriverFactory }[] = [
  { name: '@Retry()', driver: (random) => retryContextDriver({ random }) },
  {
    name: '@RetryOnRateLimit()',
    driver: (random) => decoratedMethodDriver({ rateLimit: { random } }),
  },
  {
    name: '@Retry() + @RetryOnRateLimit()',
    driver: (random) => decoratedMethodDriver({ retry: { random }, rateLimit: { random } }),
  },
];

const outageAnswers: readonly {
  readonly name: string;
  readonly refusal: (random: () => number) => () => unknown;
}[] = [
  { name: '503', refusal: () => () => new HttpError(503) },
  { name: '429', refusal: () => () => new HttpError(429) },
  {
    name: '429 or 503 at random',
    refusal: (random) => () => new HttpError(random() < 0.5 ? 429 : 503),
  },
];

/**
 * The server refuses every call for `outageMs`; `outageRequests` requests arrive evenly spread over
 * the outage, each retried with the library's defaults. After the outage every call is served.
 */
export function runOutageScenarios(config: StormConfig): OutageRow[] {
  const rows: OutageRow[] = [];
  const arrivalsPerSecond = config.outageRequests / (config.outageMs / 1000);
  for (const policy of defaultPolicies) {
    for (const answers of outageAnswers) {
      const requests: SimulatedRequest[] = Array.from(
        { length: config.outageRequests },
        (_, index) => ({
          startsAt: Math.floor((index * config.outageMs) / config.outageRequests),
          driver: policy.driver(seededRandom(combineSeeds(config.seed, index))),
        }),
      );
      const server = new OutageServer(
        config.outageMs,
        answers.refusal(seededRandom(combineSeeds(config.seed, -1))),
      );
      const result = simulate(server, requests);
      rows.push({
        policy: policy.name,
        serverAnswers: answers.name,
        callsPerRequest: result.calls / result.requests,
        mostCallsForOneRequest: result.mostCallsForOneRequest,
        succeededPercent: (100 * result.succeeded) / result.requests,
        gaveUpPercent: (100 * result.gaveUp) / result.requests,
        peakLoadFactor: result.busiestSecondCalls / arrivalsPerSecond,
      });
    }
  }
  return rows;
}
