import { EventQueue } from './event-queue';

// The timer functions are patched where the library can reach them: the globals, and the
// exports of node:timers and node:timers/promises (TypeScript's CommonJS output reads an
// imported function from the module object at each call, so a patched export is seen).
const timers = require('node:timers') as Record<string, unknown>;
const timersPromises = require('node:timers/promises') as Record<string, unknown>;
const realSetImmediate = setImmediate;

type Callback = (...args: unknown[]) => void;

/** What a patched `setTimeout` returns: enough of Node's Timeout for the code that keeps one. */
class VirtualTimeout {
  constructor(readonly id: number) {}
  unref(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

interface ScheduledTimer {
  readonly id: number;
  readonly callback: () => void;
  /** For setInterval: how often it repeats. */
  readonly interval?: number;
}

/**
 * Simulated time for code that waits with `setTimeout` (global or node:timers, or
 * node:timers/promises) and reads the time with `Date.now()`, `performance.now()` or
 * `process.hrtime`: the real library, run unchanged, in an event-driven simulation. While
 * installed, timers go into a queue instead of Node's, and `run()` fires them in time order,
 * letting every promise settle between two timers, so an hour passes in well under a second.
 */
export class VirtualClock {
  #now = 0;
  #nextId = 1;
  readonly #queue = new EventQueue<ScheduledTimer>();
  readonly #cancelled = new Set<number>();
  /** What `Date.now()` says at simulated time 0. */
  readonly #epoch = Date.UTC(2026, 0, 1);

  /** How often the library read the patched clock: a policy with a time window must. */
  clockReads = 0;

  /** Milliseconds since the simulation started. */
  get now(): number {
    return this.#now;
  }

  /** Calls `callback` at simulated time `at` (ms). */
  at(at: number, callback: () => void): void {
    this.#queue.push(Math.max(at, this.#now), { id: this.#nextId++, callback });
  }

  /** Patches the clock and timer functions; returns the function that restores them. */
  install(): () => void {
    const saved: [Record<string, unknown>, string, unknown][] = [];
    const patch = (target: object, key: string, value: unknown): void => {
      const record = target as Record<string, unknown>;
      saved.push([record, key, record[key]]);
      record[key] = value;
    };
    const setTimeoutPatch = (
      callback: Callback,
      delay?: number,
      ...args: unknown[]
    ): VirtualTimeout => this.#schedule(() => callback(...args), delay);
    const setIntervalPatch = (
      callback: Callback,
      delay?: number,
      ...args: unknown[]
    ): VirtualTimeout => this.#schedule(() => callback(...args), delay, true);
    const clear = (timer: unknown): void => {
      if (timer instanceof VirtualTimeout) this.#cancelled.add(timer.id);
      else if (typeof timer === 'number') this.#cancelled.add(timer);
    };
    const sleep = (
      delay?: number,
      value?: unknown,
      options?: { signal?: AbortSignal },
    ): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const signal = options?.signal;
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const timer = this.#schedule(() => resolve(value), delay);
        signal?.addEventListener('abort', () => {
          clear(timer);
          reject(signal.reason);
        });
      });
    for (const target of [globalThis, timers]) {
      patch(target, 'setTimeout', setTimeoutPatch);
      patch(target, 'clearTimeout', clear);
      patch(target, 'setInterval', setIntervalPatch);
      patch(target, 'clearInterval', clear);
    }
    patch(timersPromises, 'setTimeout', sleep);
    const read = (): number => {
      this.clockReads += 1;
      return this.#now;
    };
    patch(Date, 'now', () => this.#epoch + read());
    patch(performance, 'now', read);
    const hrtime = (previous?: readonly [number, number]): [number, number] => {
      const nanoseconds = Math.round(read() * 1e6);
      const seconds = Math.floor(nanoseconds / 1e9);
      const result: [number, number] = [seconds, nanoseconds - seconds * 1e9];
      if (previous === undefined) return result;
      const difference = nanoseconds - (previous[0] * 1e9 + previous[1]);
      return [Math.floor(difference / 1e9), difference % 1e9];
    };
    hrtime.bigint = (): bigint => BigInt(Math.round(read() * 1e6));
    patch(process, 'hrtime', hrtime);
    return () => {
      for (const [target, key, value] of saved.reverse()) target[key] = value;
    };
  }

  /**
   * Fires the timers in time order, letting promises settle after each one, until none is left or
   * the next one is due after `horizon` (ms; a library's own interval would otherwise run forever).
   */
  async run(horizon: number): Promise<void> {
    for (;;) {
      await new Promise((resolve) => realSetImmediate(resolve));
      const next = this.#queue.pop();
      if (next === undefined || next.time > horizon) return;
      const { time, payload } = next;
      if (this.#cancelled.delete(payload.id)) continue;
      this.#now = time;
      if (payload.interval !== undefined) {
        this.#queue.push(time + payload.interval, payload);
      }
      payload.callback();
    }
  }

  #schedule(callback: () => void, delay: number | undefined, repeat = false): VirtualTimeout {
    // Node runs a timer of 0 (or an invalid delay) after 1 ms.
    const wait = typeof delay === 'number' && delay >= 1 && Number.isFinite(delay) ? delay : 1;
    const id = this.#nextId++;
    this.#queue.push(this.#now + wait, { id, callback, ...(repeat ? { interval: wait } : {}) });
    return new VirtualTimeout(id);
  }
}
