import { EventQueue } from './event-queue';
import type { RetryDriver } from './retry-driver';
import type { SimulatedServer } from './server-model';

/** One logical request: a client that calls the server until it is served or gives up. */
export interface SimulatedRequest {
  /** When its first call is made, in simulated ms. */
  readonly startsAt: number;
  readonly driver: RetryDriver;
}

export interface SimulationResult {
  readonly requests: number;
  /** Calls the server received, first attempts and retries. */
  readonly calls: number;
  readonly mostCallsForOneRequest: number;
  readonly succeeded: number;
  readonly gaveUp: number;
  /** When the last request ended (served or given up), in simulated ms. */
  readonly lastEndedAt: number;
  /** Calls in the busiest second (`[k * 1000, (k + 1) * 1000)`). */
  readonly busiestSecondCalls: number;
}

/** Runs the requests against the server in simulated time; nothing sleeps. */
export function simulate(
  server: SimulatedServer,
  requests: readonly SimulatedRequest[],
): SimulationResult {
  const queue = new EventQueue<number>();
  requests.forEach((request, index) => queue.push(request.startsAt, index));
  const callsOfRequest = new Array<number>(requests.length).fill(0);
  const callsPerSecond = new Map<number, number>();
  let calls = 0;
  let succeeded = 0;
  let gaveUp = 0;
  let lastEndedAt = 0;

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    const { time, payload: index } = event;
    const { driver } = requests[index];
    driver.beginAttempt();
    calls += 1;
    callsOfRequest[index] += 1;
    const second = Math.floor(time / 1000);
    callsPerSecond.set(second, (callsPerSecond.get(second) ?? 0) + 1);

    const refusal = server.answer(time);
    const delay = refusal === undefined ? undefined : driver.recordFailure(refusal);
    if (delay !== undefined) {
      queue.push(time + delay, index);
      continue;
    }
    if (refusal === undefined) succeeded += 1;
    else gaveUp += 1;
    lastEndedAt = Math.max(lastEndedAt, time);
  }

  return {
    requests: requests.length,
    calls,
    mostCallsForOneRequest: largest(callsOfRequest),
    succeeded,
    gaveUp,
    lastEndedAt,
    busiestSecondCalls: largest(callsPerSecond.values()),
  };
}

/** The largest value, 0 for none; `Math.max(...values)` would overflow the stack on a large run. */
function largest(values: Iterable<number>): number {
  let result = 0;
  for (const value of values) if (value > result) result = value;
  return result;
}
