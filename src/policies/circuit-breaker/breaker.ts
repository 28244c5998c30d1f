import type { ErrorCategory } from '../../classify/error-category';
import { isCallerAbort } from '../../classify/caller-abort';
import { isRateLimitError } from '../../classify/rate-limit';
import { now } from '../clock';
import { reportListenerFailure } from '../listener-failure';
import { circuitStateChannel } from '../../telemetry/channels';
import { publishCircuitState } from '../../telemetry/publish';
import { statisticsKey, type BreakerStats } from '../../telemetry/statistics';
import { BrokenCircuitError, halfOpenRefusal, IsolatedCircuitError } from './errors';
import {
  validateCircuitBreakerOptions,
  type CircuitBreakerOptions,
  type CircuitState,
  type ResolvedCircuitBreakerOptions,
} from './options';
import type {
  BreakerSnapshot,
  CircuitSnapshot,
  KeyedCircuitSnapshot,
  WindowBucketSnapshot,
} from './snapshot';

/**
 * Marks a breaker, on its prototype. `Symbol.for`, so that a breaker made by a second copy of the
 * package, or a fleet-wide one (issue 15: `RedisBreaker`), is accepted where a `Breaker` is.
 */
const breakerBrand: unique symbol = Symbol.for('tenacious.breaker') as never;

/** Whether `value` is a breaker: this package's `Breaker`, one from another copy, or a lookalike. */
export function isBreaker(value: unknown): value is Breaker {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as { [breakerBrand]?: unknown })[breakerBrand] === true;
  } catch {
    return false;
  }
}

/**
 * For a breaker that stops deciding with its own circuits for a while (`RedisBreaker`, once it
 * follows the fleet's circuit): the tickets issued until now are ignored when they report, as
 * after a change of state. Not exported by the package.
 */
export const renewTickets: unique symbol = Symbol('tenacious.breaker.renewTickets');

type OwnState = 'closed' | 'open' | 'half-open';

/** The sliding window: this many buckets, each `samplingDuration / windowBuckets` ms wide. */
const windowBuckets = 10;
// A window is one Float64Array of `windowBuckets` records: the bucket's number (time divided by the
// bucket width, NaN when unused), its calls, failures and slow calls.
const recordSize = 4;
const callsField = 1;
const failuresField = 2;
const slowCallsField = 3;
/** Successes counted in the window without a clock read are stamped, at the latest, this many at once. */
const successesPerClockRead = 16;

/** The state of one circuit: the breaker's own, or one key's. Mutated in place, never replaced. */
class Circuit {
  state: OwnState = 'closed';
  /** Changes at every change of state; an attempt's ticket is the generation it entered in. */
  generation: number;
  /** Opens in a row, which sets the length of the next break. */
  opens = 0;
  breakEndsAt = 0;
  halfOpenSince = 0;
  probesAdmitted = 0;
  probeSuccesses = 0;
  consecutiveFailures = 0;
  /** For keyed circuits: when it was last entered, in the breaker's own count of uses. */
  lastUsed = 0;
  /** Successes not yet in the window: stamped at the circuit's next clock read (Breaker's notes). */
  pendingSuccesses = 0;
  /** Undefined when no rule reads a window (consecutive failures, no slow-call rule). */
  readonly window: Float64Array | undefined;

  constructor(generation: number, windowed: boolean) {
    this.generation = generation;
    this.window = windowed ? new Float64Array(windowBuckets * recordSize).fill(NaN) : undefined;
  }
}

/**
 * A circuit breaker: stops calls to a dependency that is failing, so it can recover, and fails
 * those calls fast instead. `@CircuitBreaker` makes one for a method; make one yourself to share it
 * between methods and classes, to `isolate()` it, or to read its `state` and `toJSON()`.
 *
 * The interceptor drives it through six methods, the whole interface a fleet-wide breaker
 * (issue 15) must offer too: before every attempt `enter(key)`, which returns a ticket (0 when the
 * attempt is refused: then `refusal(key)` is the error to raise), then `succeeded`, `failed` or
 * (for an attempt its caller aborted) `cancelled` with that ticket, and `remainingBreak(key)` to
 * decide whether waiting out an open circuit is worth it.
 * A ticket from before a change of state is ignored when it reports: an attempt that started while
 * the circuit was closed says nothing about the trial calls of a later half-open state.
 *
 * In the sliding window, a success that is not slow is not stamped when it happens (a clock read
 * would cost more than the rest of the attempt's bookkeeping): it waits, and waiting successes are
 * stamped with the time of the circuit's next clock read: the 16th waiting success's, a failure's
 * or slow call's, or `toJSON()`. So at most 15 successes are stamped later than they happened; the
 * window may hold up to 15 successes more than the exact rule would, never fewer, which can only
 * delay an opening, by at most 15 calls' worth of ratio. Failures and slow calls are stamped
 * exactly. A closed circuit in consecutive-failures mode without slow calls reads no clock at all
 * on a success.
 *
 * Time is read from the wall clock and only when needed; nothing runs in the background. An open
 * circuit becomes half-open at the first `enter` after its break ends (until then `state` still
 * says `'open'`, and `remainingBreak` says 0).
 */
export class Breaker {
  declare readonly [breakerBrand]: true;
  /** The options in force, defaults filled in. The interceptor reads `key` here. */
  readonly options: ResolvedCircuitBreakerOptions;

  readonly #own: Circuit;
  readonly #keyed = new Map<string, Circuit>();
  readonly #failureOn: ReadonlySet<ErrorCategory>;
  readonly #windowed: boolean;
  readonly #bucketWidth: number;
  #nextGeneration = 1;
  #uses = 0;
  #isolations = 0;
  // Written by #sumWindow, so that judging the window allocates nothing.
  #windowCalls = 0;
  #windowFailures = 0;
  #windowSlowCalls = 0;
  // Counters since the breaker was made, for `stats(breaker)`.
  #successes = 0;
  #failures = 0;
  #rejections = 0;
  #opened = 0;
  #stateChanges = 0;

  constructor(options?: CircuitBreakerOptions) {
    // Errors name the class the caller constructed (`RedisBreaker` too).
    const resolved = validateCircuitBreakerOptions(options, new.target.name || 'Breaker');
    this.options = resolved;
    this.#failureOn = new Set(resolved.failureOn);
    this.#windowed =
      resolved.consecutiveFailures === undefined || resolved.slowCallDuration !== undefined;
    this.#bucketWidth = resolved.samplingDuration / windowBuckets;
    this.#own = this.#newCircuit();
    if (resolved.initialState !== undefined) this.#restore(resolved.initialState);
  }

  /** The state of the breaker's own circuit (the one calls without a key use). */
  get state(): CircuitState {
    return this.#isolations !== 0 ? 'isolated' : this.#own.state;
  }

  /** The state of the circuit for `key`; `'closed'` for a key not seen (or evicted). */
  stateOf(key: string): CircuitState {
    if (this.#isolations !== 0) return 'isolated';
    return this.#keyed.get(key)?.state ?? 'closed';
  }

  /**
   * Called before every attempt. Returns 0 when the attempt must not run (open, isolated, or
   * half-open with every trial call taken), otherwise a positive ticket to report its outcome with,
   * exactly once (all attempts of one state share a ticket, so a second report would count twice).
   */
  enter(key: string | undefined): number {
    // A closed own circuit first, in few bytes, so that V8 inlines it on the fast path.
    const own = this.#own;
    if (key === undefined && own.state === 'closed' && this.#isolations === 0) {
      return own.generation;
    }
    return this.#enterAny(key);
  }

  #enterAny(key: string | undefined): number {
    if (this.#isolations !== 0) {
      this.#rejections += 1;
      return 0;
    }
    const circuit = key === undefined ? this.#own : this.#keyedCircuit(key);
    if (circuit.state === 'closed') return circuit.generation;
    const ticket = this.#enterBroken(circuit, key);
    if (ticket === 0) this.#rejections += 1;
    return ticket;
  }

  /** Counters since the breaker was made (`stats(breaker)`). */
  [statisticsKey](): BreakerStats {
    return {
      state: this.state,
      successes: this.#successes,
      failures: this.#failures,
      rejections: this.#rejections,
      opened: this.#opened,
      stateChanges: this.#stateChanges,
    };
  }

  /** The error for an attempt that `enter` refused. */
  refusal(key: string | undefined): BrokenCircuitError {
    if (this.#isolations !== 0) return new IsolatedCircuitError(key);
    const retryAfter = this.remainingBreak(key);
    const circuit = key === undefined ? this.#own : this.#keyed.get(key);
    if (circuit?.state === 'half-open') return halfOpenRefusal(retryAfter, key);
    return new BrokenCircuitError(retryAfter, key);
  }

  /** The attempt with this ticket succeeded after `durationMs`. */
  succeeded(key: string | undefined, ticket: number, durationMs: number): void {
    const own = this.#own;
    // The common case first, in few steps (what `#recordClosed` does with a success that is not
    // slow): it runs on every successful attempt.
    if (
      key === undefined &&
      own.generation === ticket &&
      own.state === 'closed' &&
      this.#isolations === 0 &&
      !this.#isSlow(durationMs)
    ) {
      this.#successes += 1;
      own.consecutiveFailures = 0;
      const window = own.window;
      if (window !== undefined && ++own.pendingSuccesses >= successesPerClockRead) {
        this.#stampPendingSuccesses(own, window, now());
      }
      return;
    }
    const circuit = this.#reporting(key, ticket);
    if (circuit === undefined) return;
    this.#successes += 1;
    const slow = this.#isSlow(durationMs);
    if (circuit.state === 'closed') this.#recordClosed(circuit, key, false, slow);
    else this.#recordProbe(circuit, key, slow);
  }

  /**
   * The attempt with this ticket failed after `durationMs`. It counts as a failure when `category`
   * is in `failureOn` and the error is not a rate limit; otherwise the dependency answered, and it
   * counts as a success (a slow one, possibly).
   */
  failed(
    key: string | undefined,
    ticket: number,
    error: unknown,
    category: ErrorCategory,
    durationMs: number,
  ): void {
    const circuit = this.#reporting(key, ticket);
    if (circuit === undefined) return;
    if (isCallerAbort(error)) {
      this.cancelled(key, ticket);
      return;
    }
    const failure = this.#failureOn.has(category) && !isRateLimitError(error);
    if (failure) this.#failures += 1;
    else this.#successes += 1;
    const slow = this.#isSlow(durationMs);
    if (circuit.state === 'closed') this.#recordClosed(circuit, key, failure, slow);
    else this.#recordProbe(circuit, key, failure || slow);
  }

  /**
   * The attempt with this ticket ended without an outcome that says anything about the dependency
   * (its caller aborted it): nothing is counted, and a trial call's place is given back, so the
   * half-open circuit admits another instead of waiting for a report that will never come.
   * `failed` does the same for an error that is a caller's abort (an `AbortError`).
   */
  cancelled(key: string | undefined, ticket: number): void {
    const circuit = this.#reporting(key, ticket);
    if (circuit === undefined || circuit.state !== 'half-open') return;
    if (circuit.probesAdmitted > circuit.probeSuccesses) circuit.probesAdmitted -= 1;
  }

  /**
   * Milliseconds until the circuit for `key` admits a trial call: 0 when it admits calls now (or
   * would, its break being over), `Infinity` while isolated. While half-open with every trial call
   * taken, the time after which trial calls that never reported are given up on.
   */
  remainingBreak(key: string | undefined): number {
    if (this.#isolations !== 0) return Infinity;
    const circuit = key === undefined ? this.#own : this.#keyed.get(key);
    if (circuit === undefined || circuit.state === 'closed') return 0;
    if (circuit.state === 'open') return Math.max(0, circuit.breakEndsAt - now());
    if (circuit.probesAdmitted < this.options.halfOpenProbes) return 0;
    return Math.max(0, circuit.halfOpenSince + this.#breakDuration(circuit.opens) - now());
  }

  /**
   * Holds every circuit of the breaker open (by hand: a maintenance window, a dependency known to
   * be down): attempts fail with `IsolatedCircuitError`. Returns the release; calling it again does
   * nothing. When the last isolation is released the breaker closes, its counts cleared.
   */
  isolate(): () => void {
    const before = this.state;
    this.#isolations += 1;
    if (this.#isolations === 1) this.#announce(before, 'isolated', undefined);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#isolations -= 1;
      if (this.#isolations !== 0) return;
      this.#reset(this.#own);
      this.#own.state = 'closed';
      this.#own.opens = 0;
      this.#own.generation = this.#nextGeneration++;
      this.#keyed.clear();
      this.#announce('isolated', 'closed', undefined);
    };
  }

  /**
   * Ignores the reports of the tickets issued until now (`renewTickets`). A half-open circuit
   * starts a round: its trial calls' reports will not count, so they must not hold its places.
   */
  [renewTickets](): void {
    for (const circuit of [this.#own, ...this.#keyed.values()]) {
      circuit.generation = this.#nextGeneration++;
      if (circuit.state !== 'half-open') continue;
      circuit.halfOpenSince = now();
      circuit.probesAdmitted = 0;
      circuit.probeSuccesses = 0;
    }
  }

  /**
   * A plain, JSON-safe snapshot of the breaker, for a health endpoint or to restore after a restart
   * with `new Breaker({ ...options, initialState })`. A break's end is wall-clock time (epoch ms).
   */
  toJSON(): BreakerSnapshot {
    const time = now();
    const keys: KeyedCircuitSnapshot[] = [];
    const byUse = [...this.#keyed].sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, circuit] of byUse) keys.push({ ...this.#snapshotOf(circuit, time), key });
    return {
      version: 1,
      isolated: this.#isolations !== 0,
      ...this.#snapshotOf(this.#own, time),
      keys,
    };
  }

  #newCircuit(): Circuit {
    return new Circuit(this.#nextGeneration++, this.#windowed);
  }

  #keyedCircuit(key: string): Circuit {
    let circuit = this.#keyed.get(key);
    if (circuit === undefined) {
      if (this.#keyed.size >= this.options.maxKeys) this.#evictOne();
      circuit = this.#newCircuit();
      this.#keyed.set(key, circuit);
    }
    circuit.lastUsed = ++this.#uses;
    return circuit;
  }

  /** Makes room for a new key: the least recently used closed circuit goes, else the oldest. */
  #evictOne(): void {
    let oldestKey: string | undefined;
    let oldestUse = Infinity;
    let oldestClosedKey: string | undefined;
    let oldestClosedUse = Infinity;
    for (const [key, circuit] of this.#keyed) {
      if (circuit.lastUsed < oldestUse) {
        oldestUse = circuit.lastUsed;
        oldestKey = key;
      }
      if (circuit.state === 'closed' && circuit.lastUsed < oldestClosedUse) {
        oldestClosedUse = circuit.lastUsed;
        oldestClosedKey = key;
      }
    }
    const evicted = oldestClosedKey ?? oldestKey;
    if (evicted !== undefined) this.#keyed.delete(evicted);
  }

  /** The circuit a report is for, or undefined when the report is to be ignored. */
  #reporting(key: string | undefined, ticket: number): Circuit | undefined {
    if (this.#isolations !== 0) return undefined;
    const circuit = key === undefined ? this.#own : this.#keyed.get(key);
    return circuit !== undefined && circuit.generation === ticket ? circuit : undefined;
  }

  #isSlow(durationMs: number): boolean {
    const slowCallDuration = this.options.slowCallDuration;
    return slowCallDuration !== undefined && durationMs >= slowCallDuration;
  }

  #enterBroken(circuit: Circuit, key: string | undefined): number {
    const time = now();
    if (circuit.state === 'open') {
      if (time < circuit.breakEndsAt) return 0;
      circuit.state = 'half-open';
      circuit.generation = this.#nextGeneration++;
      circuit.halfOpenSince = time;
      circuit.probesAdmitted = 1;
      circuit.probeSuccesses = 0;
      const ticket = circuit.generation;
      this.#announce('open', 'half-open', key);
      return ticket;
    }
    if (circuit.probesAdmitted < this.options.halfOpenProbes) {
      circuit.probesAdmitted += 1;
      return circuit.generation;
    }
    if (time >= circuit.halfOpenSince + this.#breakDuration(circuit.opens)) {
      // Trial calls that have not reported within a whole break are given up on (they may hang
      // forever); a new round starts, and their reports, should they come, are ignored.
      circuit.generation = this.#nextGeneration++;
      circuit.halfOpenSince = time;
      circuit.probesAdmitted = 1;
      circuit.probeSuccesses = 0;
      return circuit.generation;
    }
    return 0;
  }

  #recordClosed(circuit: Circuit, key: string | undefined, failure: boolean, slow: boolean): void {
    const { consecutiveFailures, minimumThroughput, failureRatio, slowCallRatio } = this.options;
    if (!failure) {
      circuit.consecutiveFailures = 0;
    } else {
      circuit.consecutiveFailures += 1;
      if (consecutiveFailures !== undefined && circuit.consecutiveFailures >= consecutiveFailures) {
        this.#open(circuit, key, now());
        return;
      }
    }
    const window = circuit.window;
    if (window === undefined) return;
    if (!failure && !slow) {
      // A call that went well cannot open the circuit: it waits to be stamped, no clock read.
      circuit.pendingSuccesses += 1;
      if (circuit.pendingSuccesses >= successesPerClockRead) {
        this.#stampPendingSuccesses(circuit, window, now());
      }
      return;
    }
    const time = now();
    this.#stampPendingSuccesses(circuit, window, time);
    this.#addToWindow(
      window,
      Math.floor(time / this.#bucketWidth),
      1,
      failure ? 1 : 0,
      slow ? 1 : 0,
    );
    this.#sumWindow(window, time);
    const calls = this.#windowCalls;
    if (calls < minimumThroughput) return;
    // Division, not `failures >= ratio * calls`: 3 / 30 is exactly the double 0.1, 0.1 * 30 is not 3.
    const tooManyFailures =
      consecutiveFailures === undefined && failure && this.#windowFailures / calls >= failureRatio;
    const tooManySlow =
      slowCallRatio !== undefined && slow && this.#windowSlowCalls / calls >= slowCallRatio;
    if (tooManyFailures || tooManySlow) this.#open(circuit, key, time);
  }

  #recordProbe(circuit: Circuit, key: string | undefined, failure: boolean): void {
    if (failure) {
      this.#open(circuit, key, now());
      return;
    }
    circuit.probeSuccesses += 1;
    if (circuit.probeSuccesses < this.options.halfOpenProbes) return;
    this.#reset(circuit);
    circuit.state = 'closed';
    circuit.opens = 0;
    circuit.generation = this.#nextGeneration++;
    this.#announce('half-open', 'closed', key);
  }

  #open(circuit: Circuit, key: string | undefined, time: number): void {
    const from = circuit.state;
    this.#reset(circuit);
    circuit.state = 'open';
    circuit.opens += 1;
    circuit.breakEndsAt = time + this.#breakDuration(circuit.opens);
    circuit.generation = this.#nextGeneration++;
    this.#announce(from, 'open', key);
  }

  /** Clears what was counted: a circuit starts each state afresh. */
  #reset(circuit: Circuit): void {
    circuit.consecutiveFailures = 0;
    circuit.probesAdmitted = 0;
    circuit.probeSuccesses = 0;
    circuit.pendingSuccesses = 0;
    circuit.window?.fill(NaN);
  }

  /** Adds the successes waiting to be stamped to the bucket of `time`. */
  #stampPendingSuccesses(circuit: Circuit, window: Float64Array, time: number): void {
    if (circuit.pendingSuccesses === 0) return;
    this.#addToWindow(window, Math.floor(time / this.#bucketWidth), circuit.pendingSuccesses, 0, 0);
    circuit.pendingSuccesses = 0;
  }

  /** The break after the `opens`-th open in a row. */
  #breakDuration(opens: number): number {
    const breakDuration = this.options.breakDuration;
    if (typeof breakDuration === 'number') return breakDuration;
    const { initial, max, exponentialBase } = breakDuration;
    // 0, not 0 x Infinity (NaN) once the growth overflows, after 1024 opens in a row at base 2.
    if (initial === 0) return 0;
    return Math.min(initial * exponentialBase ** Math.max(0, opens - 1), max);
  }

  #addToWindow(
    window: Float64Array,
    bucket: number,
    calls: number,
    failures: number,
    slowCalls: number,
  ): void {
    const offset = (((bucket % windowBuckets) + windowBuckets) % windowBuckets) * recordSize;
    if (window[offset] !== bucket) {
      window[offset] = bucket;
      window[offset + callsField] = 0;
      window[offset + failuresField] = 0;
      window[offset + slowCallsField] = 0;
    }
    window[offset + callsField] += calls;
    window[offset + failuresField] += failures;
    window[offset + slowCallsField] += slowCalls;
  }

  /** Whether a bucket number is in the window that ends in the bucket of `time`. */
  #isCurrent(bucket: number, time: number): boolean {
    const current = Math.floor(time / this.#bucketWidth);
    return bucket > current - windowBuckets && bucket <= current;
  }

  #sumWindow(window: Float64Array, time: number): void {
    let calls = 0;
    let failures = 0;
    let slowCalls = 0;
    for (let offset = 0; offset < window.length; offset += recordSize) {
      if (!this.#isCurrent(window[offset], time)) continue;
      calls += window[offset + callsField];
      failures += window[offset + failuresField];
      slowCalls += window[offset + slowCallsField];
    }
    this.#windowCalls = calls;
    this.#windowFailures = failures;
    this.#windowSlowCalls = slowCalls;
  }

  #announce(from: CircuitState, to: CircuitState, key: string | undefined): void {
    this.#stateChanges += 1;
    if (to === 'open') this.#opened += 1;
    if (circuitStateChannel.hasSubscribers) publishCircuitState({ breaker: this, key, from, to });
    const listener = this.options.onStateChange;
    if (listener === undefined) return;
    const change = Object.freeze(key === undefined ? { from, to } : { from, to, key });
    try {
      const result: unknown = listener(change);
      // An async listener's rejection would otherwise be unhandled.
      if (typeof (result as { then?: unknown } | null | undefined)?.then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (reason: unknown) =>
          reportListenerFailure('onStateChange', reason),
        );
      }
    } catch (thrown) {
      reportListenerFailure('onStateChange', thrown);
    }
  }

  #snapshotOf(circuit: Circuit, time: number): CircuitSnapshot {
    const window: WindowBucketSnapshot[] = [];
    let calls = 0;
    let failures = 0;
    let slowCalls = 0;
    const records = circuit.window;
    if (records !== undefined) {
      this.#stampPendingSuccesses(circuit, records, time);
      const order: number[] = [];
      for (let offset = 0; offset < records.length; offset += recordSize) {
        if (this.#isCurrent(records[offset], time) && records[offset + callsField] > 0) {
          order.push(offset);
        }
      }
      order.sort((a, b) => records[a] - records[b]);
      for (const offset of order) {
        const bucket: WindowBucketSnapshot = [
          records[offset] * this.#bucketWidth,
          records[offset + callsField],
          records[offset + failuresField],
          records[offset + slowCallsField],
        ];
        window.push(bucket);
        calls += bucket[1];
        failures += bucket[2];
        slowCalls += bucket[3];
      }
    }
    return {
      state: circuit.state,
      opens: circuit.opens,
      breakEndsAt: circuit.state === 'open' ? circuit.breakEndsAt : null,
      consecutiveFailures: circuit.consecutiveFailures,
      calls,
      failures,
      slowCalls,
      window,
    };
  }

  #restore(snapshot: BreakerSnapshot): void {
    const time = now();
    this.#restoreCircuit(this.#own, snapshot, time);
    // Oldest first, so the most recently used keys are the ones kept when they do not all fit.
    const keys = snapshot.keys.slice(Math.max(0, snapshot.keys.length - this.options.maxKeys));
    for (const keyed of keys) {
      const circuit = this.#newCircuit();
      circuit.lastUsed = ++this.#uses;
      this.#restoreCircuit(circuit, keyed, time);
      this.#keyed.set(keyed.key, circuit);
    }
  }

  #restoreCircuit(circuit: Circuit, snapshot: CircuitSnapshot, time: number): void {
    circuit.state = snapshot.state;
    circuit.opens = snapshot.opens;
    circuit.consecutiveFailures = snapshot.consecutiveFailures;
    // Trial calls of the previous process will never report: a half-open circuit starts a round.
    circuit.halfOpenSince = time;
    if (snapshot.state === 'open') {
      // No break outlasts its duration from now: a snapshot from a host whose clock ran ahead, or
      // a made-up one, must not hold the circuit open for years.
      const longest = time + this.#breakDuration(Math.max(1, snapshot.opens));
      circuit.breakEndsAt = Math.min(snapshot.breakEndsAt ?? time, longest);
    }
    const window = circuit.window;
    if (window === undefined || snapshot.state !== 'closed') return;
    for (const [start, calls, failures, slowCalls] of snapshot.window) {
      let bucket = Math.floor(start / this.#bucketWidth);
      // A start that toJSON() made (bucket x width, rounded) can divide back to a hair below its
      // bucket's number: it still belongs to that bucket, not to the one before.
      if ((bucket + 1) * this.#bucketWidth <= start) bucket += 1;
      if (this.#isCurrent(bucket, time)) {
        this.#addToWindow(window, bucket, calls, failures, slowCalls);
      }
    }
  }
}

Object.defineProperty(Breaker.prototype, breakerBrand, { value: true });
