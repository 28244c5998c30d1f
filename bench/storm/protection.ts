import { HttpError, Retry, type RetryOptions } from '../../src';
import { optionalExports } from '../cases/retry-settings';
import type { StormConfig } from './scenarios';
import { combineSeeds, seededRandom } from './seeded-random';
import { VirtualClock } from './virtual-clock';

/** How the dependency fails while requests arrive. */
export const protectionServers = ['full outage', '50% brownout'] as const;
export type ProtectionServer = (typeof protectionServers)[number];

/** The policies compared; the ones after the first two need the exports of issue 12. */
export const protectionPolicies = [
  'no retries',
  '@Retry(), no budget',
  '@Retry() + default budget',
  '@Retry() + @CircuitBreaker(), no budget',
  '@Retry() + @CircuitBreaker() + default budget',
] as const;
export type ProtectionPolicy = (typeof protectionPolicies)[number];

export interface ProtectionRow {
  /** Requests arriving per second, evenly spaced. */
  readonly rate: number;
  readonly server: ProtectionServer;
  readonly policy: ProtectionPolicy;
  /** False when this build of tenacious lacks what the policy needs; the figures are then null. */
  readonly available: boolean;
  readonly requests: number;
  /** Calls the server received, first attempts and retries. */
  readonly calls: number | null;
  /** The load amplification: calls / requests. */
  readonly callsPerRequest: number | null;
  readonly servedPercent: number | null;
  /** Requests that never reached the server (every attempt refused by an open circuit). */
  readonly neverReachedPercent: number | null;
  /** With the default budget: DESIGN's bound on calls / requests, 1.1 + 10 / rate. */
  readonly bound: number | null;
  readonly withinBound: boolean | null;
}

function usesBudget(policy: ProtectionPolicy): boolean {
  return policy.endsWith('default budget');
}

function usesBreaker(policy: ProtectionPolicy): boolean {
  return policy.includes('@CircuitBreaker');
}

export function policyAvailable(policy: ProtectionPolicy): boolean {
  return (
    (!usesBudget(policy) || optionalExports.RetryBudget !== undefined) &&
    (!usesBreaker(policy) || optionalExports.CircuitBreaker !== undefined)
  );
}

/** The simulated dependency: counts the calls of each request and fails as its mode says. */
class CountingServer {
  calls = 0;
  readonly callsOfRequest: number[];

  constructor(
    readonly mode: ProtectionServer,
    readonly random: () => number,
    requests: number,
  ) {
    this.callsOfRequest = new Array<number>(requests).fill(0);
  }

  handle(request: number): number {
    this.calls += 1;
    this.callsOfRequest[request] += 1;
    if (this.mode === 'full outage' || this.random() < 0.5) throw new HttpError(503);
    return request;
  }
}

interface Service {
  call(request: number): Promise<number>;
}

/**
 * A class decorated as the policy says, defined now (each gets its own default budget, and its own
 * breaker): the library's defaults, with only `random` injected for a reproducible run.
 */
function buildService(
  policy: ProtectionPolicy,
  server: CountingServer,
  random: () => number,
): Service {
  const { CircuitBreaker } = optionalExports;
  const withoutBudget = {
    random,
    ...(optionalExports.RetryBudget === undefined ? {} : { budget: false }),
  } as RetryOptions;
  const withBudget: RetryOptions = { random };
  switch (policy) {
    case 'no retries': {
      class Plain {
        async call(request: number): Promise<number> {
          return server.handle(request);
        }
      }
      return new Plain();
    }
    case '@Retry(), no budget': {
      class Retried {
        @Retry(withoutBudget)
        async call(request: number): Promise<number> {
          return server.handle(request);
        }
      }
      return new Retried();
    }
    case '@Retry() + default budget': {
      class Budgeted {
        @Retry(withBudget)
        async call(request: number): Promise<number> {
          return server.handle(request);
        }
      }
      return new Budgeted();
    }
    case '@Retry() + @CircuitBreaker(), no budget': {
      const breaker = CircuitBreaker!;
      class Broken {
        @Retry(withoutBudget)
        @breaker()
        async call(request: number): Promise<number> {
          return server.handle(request);
        }
      }
      return new Broken();
    }
    case '@Retry() + @CircuitBreaker() + default budget': {
      const breaker = CircuitBreaker!;
      class BrokenBudgeted {
        @Retry(withBudget)
        @breaker()
        async call(request: number): Promise<number> {
          return server.handle(request);
        }
      }
      return new BrokenBudgeted();
    }
  }
}

/**
 * `rate` requests a second arrive, evenly spaced, for `protectionSeconds`, while the server is
 * down (or fails half its calls at random); every retry decision, budget and breaker state is the
 * real library's, run in simulated time (virtual-clock.ts). The server stays down until every
 * request has ended.
 */
export async function runProtectionScenario(
  config: StormConfig,
  rate: number,
  serverMode: ProtectionServer,
  policy: ProtectionPolicy,
): Promise<ProtectionRow> {
  const requests = Math.round(rate * config.protectionSeconds);
  const bound = usesBudget(policy) ? 1.1 + 10 / rate : null;
  const base = { rate, server: serverMode, policy, requests, bound };
  if (!policyAvailable(policy)) {
    return {
      ...base,
      available: false,
      calls: null,
      callsPerRequest: null,
      servedPercent: null,
      neverReachedPercent: null,
      withinBound: null,
    };
  }
  const clock = new VirtualClock();
  const restore = clock.install();
  try {
    const serverIndex = protectionServers.indexOf(serverMode);
    const server = new CountingServer(
      serverMode,
      seededRandom(combineSeeds(config.seed, rate, serverIndex, -1)),
      requests,
    );
    const service = buildService(
      policy,
      server,
      seededRandom(combineSeeds(config.seed, rate, serverIndex)),
    );
    let served = 0;
    let failed = 0;
    for (let request = 0; request < requests; request++) {
      clock.at((request * 1000) / rate, () => {
        // A policy that refuses a call synchronously (an open circuit) counts as a failed request.
        Promise.resolve()
          .then(() => service.call(request))
          .then(
            () => (served += 1),
            () => (failed += 1),
          );
      });
    }
    // Long enough for any retry schedule of the defaults to end.
    await clock.run(config.protectionSeconds * 1000 + 3_600_000);
    if (served + failed !== requests) {
      throw new Error(
        `${policy}, ${serverMode}: ${requests - served - failed} requests did not end in simulated time`,
      );
    }
    if ((usesBudget(policy) || usesBreaker(policy)) && clock.clockReads === 0) {
      throw new Error(
        `${policy}: the library never read the simulated clock, so its time windows did not see simulated time`,
      );
    }
    const callsPerRequest = server.calls / requests;
    return {
      ...base,
      available: true,
      calls: server.calls,
      callsPerRequest,
      servedPercent: (100 * served) / requests,
      neverReachedPercent:
        (100 * server.callsOfRequest.filter((calls) => calls === 0).length) / requests,
      withinBound: bound === null ? null : callsPerRequest <= bound,
    };
  } finally {
    restore();
  }
}

export async function runProtectionScenarios(config: StormConfig): Promise<ProtectionRow[]> {
  const rows: ProtectionRow[] = [];
  for (const rate of config.rates) {
    for (const server of protectionServers) {
      for (const policy of protectionPolicies) {
        rows.push(await runProtectionScenario(config, rate, server, policy));
      }
    }
  }
  return rows;
}
