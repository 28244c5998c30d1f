import { HttpError, Retry, RetryOnRateLimit, retryable } from '../../src';
import { seededRandom } from '../backoff/seeded-random';
import { instantRateLimit, instantRetry } from '../decorators/failure-script';

// 10,000 calls in flight at once on a few shared instances (or one retryable function), each
// following its own seeded script of failures: every call must end with its own result or its own
// error (the object itself) after exactly the attempts its script calls for. A shared counter, a
// state kept per instance or per method instead of per call, would mix them up.

const callCount = 10_000;
const instanceCount = 4;

/** The cap of each lane; `undefined` when the method has no such lane. */
interface LaneCaps {
  readonly retry: number | undefined;
  readonly rateLimit: number | undefined;
}

/** One call's script: the statuses its failing attempts throw, in order; then it succeeds. */
interface CallScript {
  readonly failures: readonly number[];
  /** Microtask hops before each attempt settles, so that the calls interleave. */
  readonly hops: readonly number[];
}

/** What the call must end with: the result, or the error thrown by attempt `failedAttempt`. */
type Expected = { readonly attempts: number; readonly failedAttempt: number | undefined };

/**
 * The two-lane rule, written out independently of src: a 429 goes to the rate-limit lane when there
 * is one (else it is retryable), a 503 to the retry lane, a 400 is never retried; a lane gives up on
 * its `cap`-th failure.
 */
function expectedOutcome(script: CallScript, caps: LaneCaps): Expected {
  const failuresByLane = { retry: 0, rateLimit: 0 };
  for (const [index, status] of script.failures.entries()) {
    const lane =
      status === 429 && caps.rateLimit !== undefined
        ? 'rateLimit'
        : status === 400
          ? undefined
          : 'retry';
    const cap = lane === undefined ? undefined : caps[lane];
    if (lane === undefined || cap === undefined || failuresByLane[lane] + 1 >= cap) {
      return { attempts: index + 1, failedAttempt: index + 1 };
    }
    failuresByLane[lane] += 1;
  }
  return { attempts: script.failures.length + 1, failedAttempt: undefined };
}

/** Seeded scripts: a mix of calls that succeed after some failures, fail for good, or run out of attempts. */
function makeScripts(seed: number, statuses: readonly number[], longest: number): CallScript[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: callCount }, () => {
    const failureCount = Math.floor(random() * (longest + 1));
    const failures = Array.from({ length: failureCount }, () => pick(statuses));
    const hops = Array.from({ length: failureCount + 1 }, () => Math.floor(random() * 4));
    return { failures, hops };
  });
}

/** Plays every call's script and records, per call, its attempts and the receivers it saw. */
class ScriptPlayer {
  readonly attempts = new Array<number>(callCount).fill(0);
  readonly receivers: unknown[][] = Array.from({ length: callCount }, () => []);
  /** The errors each call's attempts threw, made as they are thrown. */
  readonly thrown: HttpError[][] = Array.from({ length: callCount }, () => []);
  readonly results = Array.from({ length: callCount }, (_, id) => ({ id }));

  constructor(readonly scripts: readonly CallScript[]) {}

  async attempt(receiver: unknown, id: number): Promise<{ id: number }> {
    const attempt = this.attempts[id]++;
    this.receivers[id].push(receiver);
    const hops = this.scripts[id].hops[attempt] ?? 0;
    // Hop 3 crosses a macrotask, so attempts of different calls overlap across event-loop turns too.
    for (let hop = 0; hop < hops; hop++) {
      await (hop === 2 ? new Promise((resolve) => setImmediate(resolve)) : undefined);
    }
    const status = this.scripts[id].failures[attempt];
    if (status === undefined) return this.results[id];
    const error = new HttpError(status);
    this.thrown[id].push(error);
    throw error;
  }

  /** Every call whose ending, attempts or receivers differ from the script's, described. */
  async mismatches(
    settlements: ReadonlyArray<PromiseSettledResult<unknown>>,
    caps: LaneCaps,
    receiverOf: (id: number) => unknown,
  ): Promise<string[]> {
    const found: string[] = [];
    for (const [id, settlement] of settlements.entries()) {
      const expected = expectedOutcome(this.scripts[id], caps);
      const endedRight =
        expected.failedAttempt === undefined
          ? settlement.status === 'fulfilled' && settlement.value === this.results[id]
          : settlement.status === 'rejected' &&
            settlement.reason === this.thrown[id][expected.failedAttempt - 1];
      if (!endedRight) {
        found.push(
          `call ${id}: did not end with its own ${expected.failedAttempt === undefined ? 'result' : `error of attempt ${expected.failedAttempt}`}`,
        );
      }
      if (this.attempts[id] !== expected.attempts) {
        found.push(`call ${id}: ${this.attempts[id]} attempts, expected ${expected.attempts}`);
      }
      if (!this.receivers[id].every((receiver) => receiver === receiverOf(id))) {
        found.push(`call ${id}: called on another receiver`);
      }
    }
    return found;
  }
}

function outcomeCounts(
  scripts: readonly CallScript[],
  caps: LaneCaps,
): { succeeded: number; failed: number; maxAttempts: number } {
  const outcomes = scripts.map((script) => expectedOutcome(script, caps));
  return {
    succeeded: outcomes.filter((outcome) => outcome.failedAttempt === undefined).length,
    failed: outcomes.filter((outcome) => outcome.failedAttempt !== undefined).length,
    maxAttempts: Math.max(...outcomes.map((outcome) => outcome.attempts)),
  };
}

it('@Retry: 10,000 concurrent calls on 4 shared instances each end their own way', async () => {
  const caps: LaneCaps = { retry: 4, rateLimit: undefined };
  const player = new ScriptPlayer(makeScripts(1, [503, 503, 503, 400], 4));
  class Inventory {
    @Retry({ ...instantRetry, maxAttempts: caps.retry })
    async item(id: number): Promise<{ id: number }> {
      return player.attempt(this, id);
    }
  }
  const instances = Array.from({ length: instanceCount }, () => new Inventory());
  const settlements = await Promise.allSettled(
    player.scripts.map((_, id) => instances[id % instanceCount].item(id)),
  );

  // The seeded mix really contains every ending.
  const counts = outcomeCounts(player.scripts, caps);
  expect(counts.succeeded).toBeGreaterThan(callCount / 4);
  expect(counts.failed).toBeGreaterThan(callCount / 4);
  expect(counts.maxAttempts).toBe(caps.retry);
  expect(await player.mismatches(settlements, caps, (id) => instances[id % instanceCount])).toEqual(
    [],
  );
});

it('@Retry with @RetryOnRateLimit: both lanes count per call', async () => {
  const caps: LaneCaps = { retry: 3, rateLimit: 4 };
  const player = new ScriptPlayer(makeScripts(2, [503, 429, 429, 400], 6));
  class Inventory {
    @Retry({ ...instantRetry, maxAttempts: caps.retry })
    @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: caps.rateLimit })
    async item(id: number): Promise<{ id: number }> {
      return player.attempt(this, id);
    }
  }
  const instances = Array.from({ length: instanceCount }, () => new Inventory());
  const settlements = await Promise.allSettled(
    player.scripts.map((_, id) => instances[id % instanceCount].item(id)),
  );

  const counts = outcomeCounts(player.scripts, caps);
  expect(counts.succeeded).toBeGreaterThan(callCount / 10);
  expect(counts.failed).toBeGreaterThan(callCount / 10);
  // Some calls used both lanes to the full: 1 + (3 - 1) + (4 - 1) attempts.
  expect(counts.maxAttempts).toBe(6);
  expect(await player.mismatches(settlements, caps, (id) => instances[id % instanceCount])).toEqual(
    [],
  );
});

it('retryable with a rate-limit lane: 10,000 concurrent calls of one function each end their own way', async () => {
  const caps: LaneCaps = { retry: 3, rateLimit: 4 };
  const player = new ScriptPlayer(makeScripts(3, [503, 429, 400], 6));
  const item = retryable(
    function (this: unknown, id: number) {
      return player.attempt(this, id);
    },
    {
      ...instantRetry,
      maxAttempts: caps.retry,
      rateLimit: { ...instantRateLimit, maxAttempts: caps.rateLimit },
    },
  );
  const receivers = Array.from({ length: instanceCount }, (_, index) => ({
    receiver: index,
    item,
  }));
  const settlements = await Promise.allSettled(
    player.scripts.map((_, id) => receivers[id % instanceCount].item(id)),
  );

  const counts = outcomeCounts(player.scripts, caps);
  expect(counts.succeeded).toBeGreaterThan(callCount / 10);
  expect(counts.failed).toBeGreaterThan(callCount / 10);
  expect(await player.mismatches(settlements, caps, (id) => receivers[id % instanceCount])).toEqual(
    [],
  );
});
