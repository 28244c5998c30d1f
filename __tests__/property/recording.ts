import { cyclingRandom } from './arbitraries';

/** Which lane a callback belongs to. */
export type LaneName = 'retry' | 'rateLimit';

export interface RetryRecord {
  readonly lane: LaneName;
  readonly error: unknown;
  readonly attempt: number;
  readonly delay: number;
  /** Date.now() when onRetry ran (fake time under jest fake timers). */
  readonly at: number;
}

export interface GiveUpRecord {
  readonly lane: LaneName;
  readonly error: unknown;
  readonly attempts: number;
}

/** What a retrying call did, as its callbacks and its target saw it. */
export class Recording {
  /** Date.now() at the start of each call of the target. */
  readonly callTimes: number[] = [];
  readonly retries: RetryRecord[] = [];
  readonly giveUps: GiveUpRecord[] = [];

  get calls(): number {
    return this.callTimes.length;
  }

  /** The lane's callbacks and `random`, recording into this. */
  callbacksOf(lane: LaneName, draws: readonly number[]) {
    return {
      onRetry: (error: unknown, attempt: number, delay: number) => {
        this.retries.push({ lane, error, attempt, delay, at: Date.now() });
      },
      onGiveUp: (error: unknown, attempts: number) => {
        this.giveUps.push({ lane, error, attempts });
      },
      random: cyclingRandom(draws),
    };
  }

  retriesOf(lane: LaneName): RetryRecord[] {
    return this.retries.filter((retry) => retry.lane === lane);
  }
}

export type Settled =
  | { readonly failed: false; readonly value: unknown }
  | { readonly failed: true; readonly error: unknown };

/** Runs every timer (jest fake timers) until `result` settles, and tells how it settled. */
export async function settleWithFakeTimers(result: unknown): Promise<Settled> {
  const settled = Promise.resolve(result).then(
    (value): Settled => ({ failed: false, value }),
    (error: unknown): Settled => ({ failed: true, error }),
  );
  await jest.runAllTimersAsync();
  return settled;
}

/** Like settleWithFakeTimers, for a call that may throw synchronously. */
export async function settleCall(call: () => unknown): Promise<Settled> {
  try {
    return await settleWithFakeTimers(call());
  } catch (error) {
    return { failed: true, error };
  }
}
