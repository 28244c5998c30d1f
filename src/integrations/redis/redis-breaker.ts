import type { ErrorCategory } from '../../classify/error-category';
import { isCallerAbort } from '../../classify/caller-abort';
import { isRateLimitError } from '../../classify/rate-limit';
import { Breaker, renewTickets } from '../../policies/circuit-breaker/breaker';
import { BrokenCircuitError, halfOpenRefusal } from '../../policies/circuit-breaker/errors';
import type { CircuitBreakerOptions, CircuitState } from '../../policies/circuit-breaker/options';
import type {
  BreakerSnapshot,
  WindowBucketSnapshot,
} from '../../policies/circuit-breaker/snapshot';
import { reportListenerFailure } from '../../policies/listener-failure';
import { readNumber } from '../../policies/option-snapshot';
import { circuitStateChannel } from '../../telemetry/channels';
import { publishCircuitState } from '../../telemetry/publish';
import { statisticsKey, type BreakerStats } from '../../telemetry/statistics';
import { BackgroundExchange, type ExchangeRequest } from './background-exchange';
import { replyCounts, replyNumber, replyText, type ExchangeResult } from './client-adapter';
import { splitConnectionOptions, type RedisConnectionOptions } from './options';
import { breakerScript } from './scripts';

/** Options of `new RedisBreaker(options)`: the connection, `Breaker`'s own, and `quorum`. */
export interface RedisBreakerOptions
  extends
    Omit<
      CircuitBreakerOptions,
      'key' | 'maxKeys' | 'slowCallDuration' | 'slowCallRatio' | 'initialState'
    >,
    RedisConnectionOptions {
  /**
   * How many distinct instances must have reported a failure within the sampling window before
   * the fleet's circuit opens, so that one instance with a broken network cannot open it for
   * everyone. An integer >= 1.
   * @default 1
   */
  quorum?: number;
}

/** Local options `RedisBreaker` does not offer (yet): each needs state of its own in Redis. */
const unsupportedOptions = [
  'key',
  'maxKeys',
  'slowCallDuration',
  'slowCallRatio',
  'initialState',
] as const;

/** Counts of the closed state made since the last exchange. */
interface BreakerBatch {
  readonly calls: number;
  readonly failures: number;
  readonly trailingFailures: number;
  readonly hadSuccess: boolean;
  /** The calls after the batch's last failure (successes): the ratio is judged as before them. */
  readonly successesAfterFailure: number;
}

/** What a claim or a trial call's outcome sends: no counts. */
const emptyBatch: BreakerBatch = {
  calls: 0,
  failures: 0,
  trailingFailures: 0,
  hadSuccess: false,
  successesAfterFailure: 0,
};

type FleetState = 'closed' | 'open' | 'half-open';

/** The fleet's circuit as of the last exchange; times in this process's clock. */
interface FleetCircuitView {
  readonly state: FleetState;
  /** When a trial call may be claimed (open), or when unanswered trial calls are given up on. */
  readonly waitEndsAt: number;
  readonly calls: number;
  readonly failures: number;
  readonly reporters: number;
  readonly reported: boolean;
  readonly round: number;
  readonly consecutive: number;
  /** Opens in a row (each trial call failed); 0 once trial calls closed the circuit. */
  readonly opens: number;
}

/**
 * Whether `reply` is the breaker script's: a state, then counts (numbers >= 0), nine fields at
 * least (an older script sends no tenth, `opens`). Anything else is no view of the fleet.
 */
function isBreakerReply(reply: unknown): reply is unknown[] {
  const state = replyText(reply, 0);
  return (
    (state === 'closed' || state === 'open' || state === 'half-open') &&
    replyCounts(reply, 1, Math.min(10, Math.max(9, (reply as unknown[]).length))) !== undefined
  );
}

/** A count read from a reply, for a snapshot that `initialState` accepts: an integer >= 0. */
function wholeCount(value: number): number {
  return Math.max(0, Math.floor(value));
}

// The sampling window's buckets, as in the breaker script and a local Breaker.
const windowBuckets = 10;

// Tickets of attempts admitted by the fleet's view are far above any local Breaker's, so that a
// report finds its way back to whoever admitted the attempt, however the mode changed meanwhile.
const fleetTicketBase = 2 ** 40;

/**
 * A circuit breaker for a whole fleet: instances that name the same `key` (and Redis) share one
 * circuit, which opens for all of them when the fleet's calls cross the threshold (`failureRatio`
 * over `samplingDuration` once `minimumThroughput` calls were seen, or `consecutiveFailures`), and
 * only once `quorum` instances reported failures. While half-open, the fleet as a whole sends
 * `halfOpenProbes` trial calls: each one's place is claimed in Redis. Accepted wherever a `Breaker`
 * is.
 *
 * Nothing a call does waits for Redis: outcomes are counted locally and sent every 100 ms in the
 * background (at once when a failure makes the fleet's counts, as last seen plus local ones, cross
 * the threshold); an attempt is admitted or refused by the fleet's state as of the last exchange.
 * So the fleet opens within about one exchange (100 ms, plus the time to reach Redis) of its counts
 * crossing the threshold; until then each instance may admit the attempts of that interval. A
 * trial call's place is claimed in the background when an attempt finds the break over: that
 * attempt, and those until the claim is answered, are refused; the next one runs as the trial call.
 *
 * When Redis does not answer within `redisTimeout` ms (or for 500 ms), the instance decides with a
 * local `Breaker` of its own (after honouring a break the fleet was known to be in), and follows
 * the fleet again as soon as Redis answers (the attempts the local one admitted report to nothing
 * then, as from before a change of state). `isolate()` holds this instance's breaker open, not the
 * fleet's. Not offered (yet): `key`, slow calls, `initialState`. Call `close()` when done.
 *
 * `state` and `toJSON()` give the circuit the breaker acts on: the fleet's as of the last exchange
 * (or the break the fleet was known to be in, while it is honoured without Redis), else the local
 * one's. The snapshot, fit for a local `Breaker`'s `initialState`, carries the fleet's state,
 * break, opens and counts (plus this instance's not sent yet, in one bucket of the window).
 */
export class RedisBreaker extends Breaker {
  /** The key the fleet's state is stored under (the hash-tagged prefix). */
  readonly redisKey: string;
  /** Instances that must have reported failures before the fleet's circuit opens. */
  readonly quorum: number;
  readonly #exchange: BackgroundExchange<BreakerBatch>;
  readonly #keys: string[];
  readonly #instance: string;
  readonly #breakDuration: readonly [initial: number, max: number, base: number];
  #view: FleetCircuitView | undefined;
  #generation = 1;
  #pendingCalls = 0;
  #pendingFailures = 0;
  #trailingFailures = 0;
  #hadSuccess = false;
  #successesAfterFailure = 0;
  #probePermits = 0;
  #probeRound = 0;
  /** The claim of a trial call's place in flight, if any: one at a time. */
  #claim: Promise<void> | undefined;
  /** Set by `close()`: it gives back the places claimed, once any claim in flight has answered. */
  #closing: Promise<void> | undefined;
  #nextClaimAt = 0;
  #fleetSuccesses = 0;
  #fleetFailures = 0;
  #fleetRejections = 0;
  #fleetOpened = 0;
  #fleetStateChanges = 0;
  /** Whether listeners were last told of the fleet's state (else of the local `Breaker`'s). */
  #toldFromView = false;
  /** The fleet's state listeners were last told of, when `#toldFromView`. */
  #toldViewState: CircuitState = 'closed';

  constructor(options: RedisBreakerOptions) {
    // Errors name the class the caller constructed, as the local class's do.
    const source = new.target.name || 'RedisBreaker';
    const { connection, rest } = splitConnectionOptions(options, source);
    for (const name of unsupportedOptions) {
      if (rest[name] !== undefined) {
        throw new TypeError(
          `${source}: option "${name}" is not supported by the fleet-wide breaker; use a local Breaker for it`,
        );
      }
    }
    const quorum =
      rest.quorum === undefined
        ? 1
        : readNumber(source, 'quorum', rest.quorum, { min: 1, integer: true });
    delete rest.quorum;
    super(rest as CircuitBreakerOptions);
    this.quorum = quorum;
    this.redisKey = `tenacious:{${connection.key}}:breaker`;
    this.#keys = [this.redisKey, `${this.redisKey}:window`, `${this.redisKey}:reporters`];
    this.#instance = connection.instance;
    const breakDuration = this.options.breakDuration;
    this.#breakDuration =
      typeof breakDuration === 'number'
        ? [breakDuration, breakDuration, 1]
        : [breakDuration.initial, breakDuration.max, breakDuration.exponentialBase];
    this.#exchange = new BackgroundExchange<BreakerBatch>(
      connection.client,
      connection.redisTimeout,
      {
        prepare: () => this.#prepare(),
        accept: (reply) => this.#accept(reply),
        giveBack: (batch) => this.#giveBack(batch),
        settled: () => this.#announceReported(),
      },
    );
  }

  /** Whether decisions follow the fleet's view now (false: Redis is unreachable or not heard yet). */
  get fleetReachable(): boolean {
    return this.#exchange.reachable;
  }

  /** The fleet's circuit as of the last exchange. */
  get fleetView(): Readonly<FleetCircuitView> | undefined {
    return this.#view;
  }

  override get state(): CircuitState {
    const local = super.state;
    if (local === 'isolated' || !this.#actingOnView()) return local;
    return this.#view!.state;
  }

  /** A snapshot of the circuit `state` reports (see the class's comment). */
  override toJSON(): BreakerSnapshot {
    const local = super.toJSON();
    if (!this.#actingOnView()) return local;
    const view = this.#view!;
    const window: WindowBucketSnapshot[] = [];
    let calls = 0;
    let failures = 0;
    const { consecutiveFailures, samplingDuration } = this.options;
    if (view.state === 'closed' && consecutiveFailures === undefined) {
      calls = wholeCount(view.calls + this.#pendingCalls);
      failures = Math.min(calls, wholeCount(view.failures + this.#pendingFailures));
      // The fleet's window comes as totals: they go in the current bucket.
      const width = samplingDuration / windowBuckets;
      if (calls > 0) window.push([Math.floor(Date.now() / width) * width, calls, failures, 0]);
    }
    return {
      ...local,
      state: view.state,
      opens: wholeCount(view.opens),
      breakEndsAt: view.state === 'open' ? view.waitEndsAt : null,
      consecutiveFailures: wholeCount(
        this.#hadSuccess ? this.#trailingFailures : view.consecutive + this.#trailingFailures,
      ),
      calls,
      failures,
      slowCalls: 0,
      window,
    };
  }

  override enter(key: string | undefined): number {
    this.#exchange.start();
    if (super.state === 'isolated') return super.enter(key);
    const view = this.#view;
    if (!this.#following()) {
      // A break the fleet was known to be in is honoured before deciding alone.
      if (this.#honouringFleetBreak()) {
        this.#fleetRejections += 1;
        return 0;
      }
      // The fleet's view may have been reported until now (its break ended, or it aged).
      if (this.#toldFromView) this.#announceReported();
      return super.enter(key);
    }
    if (view!.state === 'closed') return fleetTicketBase + this.#generation * 2;
    if (this.#probePermits > 0) {
      this.#probePermits -= 1;
      return fleetTicketBase + this.#generation * 2 + 1;
    }
    if (Date.now() >= view!.waitEndsAt) this.#claimProbe();
    this.#fleetRejections += 1;
    return 0;
  }

  override refusal(key: string | undefined): BrokenCircuitError {
    if (super.state === 'isolated' || (!this.#following() && this.#view?.state !== 'open')) {
      return super.refusal(key);
    }
    const retryAfter = this.remainingBreak(key);
    if (this.#view?.state === 'half-open') return halfOpenRefusal(retryAfter, key);
    return new BrokenCircuitError(retryAfter, key);
  }

  override remainingBreak(key: string | undefined): number {
    if (super.state === 'isolated') return super.remainingBreak(key);
    const view = this.#view;
    if (view === undefined || view.state === 'closed') return super.remainingBreak(key);
    const fleetWait = Math.max(0, view.waitEndsAt - Date.now());
    if (this.#following()) return fleetWait;
    return view.state === 'open' && fleetWait > 0 ? fleetWait : super.remainingBreak(key);
  }

  override succeeded(key: string | undefined, ticket: number, durationMs: number): void {
    if (ticket < fleetTicketBase) {
      super.succeeded(key, ticket, durationMs);
      return;
    }
    if (!this.#current(ticket)) return;
    this.#fleetSuccesses += 1;
    if (ticket % 2 === 1) {
      this.#reportProbe(1);
      return;
    }
    this.#pendingCalls += 1;
    this.#trailingFailures = 0;
    this.#hadSuccess = true;
    this.#successesAfterFailure += 1;
  }

  override failed(
    key: string | undefined,
    ticket: number,
    error: unknown,
    category: ErrorCategory,
    durationMs: number,
  ): void {
    if (ticket < fleetTicketBase) {
      super.failed(key, ticket, error, category, durationMs);
      return;
    }
    if (!this.#current(ticket)) return;
    if (isCallerAbort(error)) {
      this.cancelled(key, ticket);
      return;
    }
    const failure = this.options.failureOn.includes(category) && !isRateLimitError(error);
    if (!failure) {
      this.succeeded(key, ticket, durationMs);
      return;
    }
    this.#fleetFailures += 1;
    if (ticket % 2 === 1) {
      this.#reportProbe(0);
      return;
    }
    this.#pendingCalls += 1;
    this.#pendingFailures += 1;
    this.#trailingFailures += 1;
    this.#successesAfterFailure = 0;
    if (this.#wouldOpen()) this.#exchange.exchangeSoon();
  }

  override cancelled(key: string | undefined, ticket: number): void {
    if (ticket < fleetTicketBase) {
      super.cancelled(key, ticket);
      return;
    }
    if (this.#current(ticket) && ticket % 2 === 1) this.#reportProbe(-1);
  }

  override isolate(): () => void {
    this.#announceReported();
    const release = super.isolate();
    // The local Breaker announces the isolation and its release, from and to what `state` says.
    this.#toldFromView = false;
    return () => {
      release();
      // Released, `state` may say the fleet's circuit rather than the local one's 'closed'.
      this.#announceReported();
    };
  }

  override [statisticsKey](): BreakerStats {
    const local = super[statisticsKey]();
    return {
      state: this.state,
      successes: local.successes + this.#fleetSuccesses,
      failures: local.failures + this.#fleetFailures,
      rejections: local.rejections + this.#fleetRejections,
      opened: local.opened + this.#fleetOpened,
      stateChanges: local.stateChanges + this.#fleetStateChanges,
    };
  }

  /**
   * Stops the background exchange after sending what was counted since the last one, and gives
   * back the trial calls' places it claimed and did not use; nothing (no trial call's claim or
   * outcome, no `sync()`) is sent to Redis after it.
   */
  close(): Promise<void> {
    // A claim in flight may still be granted a place: it is waited for (at most `redisTimeout`),
    // and no claim starts meanwhile (`#closing`).
    this.#closing ??= Promise.resolve(this.#claim).then(() => {
      const givenBack: Promise<unknown>[] = [];
      for (; this.#probePermits > 0; this.#probePermits -= 1) {
        // A cancelled trial call's outcome: its place is free again for the fleet's round.
        givenBack.push(
          this.#exchange.runOnce(
            breakerScript,
            this.#keys,
            this.#arguments('probe', emptyBatch, -1),
          ),
        );
      }
      givenBack.push(this.#exchange.close());
      return Promise.all(givenBack).then(() => undefined);
    });
    return this.#closing;
  }

  /**
   * Exchanges with Redis now and resolves when answered (or after `redisTimeout`); never rejects.
   * `await policy.sync()` at startup joins the fleet before the first call is decided.
   */
  sync(): Promise<void> {
    return this.#exchange.exchange();
  }

  #following(): boolean {
    return this.#view !== undefined && this.#exchange.reachable;
  }

  /** Whether a break the fleet was known to be in still holds (honoured while deciding alone). */
  #honouringFleetBreak(): boolean {
    const view = this.#view;
    return view !== undefined && view.state === 'open' && Date.now() < view.waitEndsAt;
  }

  /** Whether the breaker acts on the fleet's view now, rather than on its local `Breaker`. */
  #actingOnView(): boolean {
    return this.#following() || this.#honouringFleetBreak();
  }

  /** Whether a fleet ticket is from the state the fleet is in now (older reports are ignored). */
  #current(ticket: number): boolean {
    return Math.floor((ticket - fleetTicketBase) / 2) === this.#generation;
  }

  /** Whether the fleet's counts as last seen, plus this instance's since, cross the threshold. */
  #wouldOpen(): boolean {
    const view = this.#view;
    if (view === undefined || view.state !== 'closed') return false;
    const reporters = view.reporters + (view.reported ? 0 : 1);
    if (reporters < this.quorum) return false;
    const { consecutiveFailures, minimumThroughput, failureRatio } = this.options;
    if (consecutiveFailures !== undefined) {
      const run = this.#hadSuccess
        ? this.#trailingFailures
        : view.consecutive + this.#trailingFailures;
      return run >= consecutiveFailures;
    }
    const calls = view.calls + this.#pendingCalls;
    return (
      calls >= minimumThroughput && (view.failures + this.#pendingFailures) / calls >= failureRatio
    );
  }

  #arguments(
    operation: 'sync' | 'claim' | 'probe',
    batch: BreakerBatch,
    outcome = 0,
    round = this.#probeRound,
  ): string[] {
    const options = this.options;
    return [
      operation,
      this.#instance,
      String(batch.calls),
      String(batch.failures),
      String(batch.trailingFailures),
      batch.hadSuccess ? '1' : '0',
      String(options.samplingDuration),
      String(options.minimumThroughput),
      String(options.failureRatio),
      String(options.consecutiveFailures ?? 0),
      String(this.quorum),
      String(options.halfOpenProbes),
      String(this.#breakDuration[0]),
      String(this.#breakDuration[1]),
      String(this.#breakDuration[2]),
      String(outcome),
      String(round),
      String(batch.successesAfterFailure),
    ];
  }

  #prepare(): ExchangeRequest<BreakerBatch> {
    const batch: BreakerBatch = {
      calls: this.#pendingCalls,
      failures: this.#pendingFailures,
      trailingFailures: this.#trailingFailures,
      hadSuccess: this.#hadSuccess,
      successesAfterFailure: this.#successesAfterFailure,
    };
    this.#pendingCalls = 0;
    this.#pendingFailures = 0;
    this.#trailingFailures = 0;
    this.#hadSuccess = false;
    this.#successesAfterFailure = 0;
    return { script: breakerScript, keys: this.#keys, args: this.#arguments('sync', batch), batch };
  }

  #giveBack(batch: BreakerBatch): void {
    // The calls counted since came after the batch's: after its last failure if they hold none.
    if (this.#pendingFailures === 0) {
      this.#successesAfterFailure = batch.successesAfterFailure + this.#pendingCalls;
    }
    this.#pendingCalls += batch.calls;
    this.#pendingFailures += batch.failures;
    if (!this.#hadSuccess) this.#trailingFailures += batch.trailingFailures;
    this.#hadSuccess ||= batch.hadSuccess;
  }

  /**
   * Takes a reply of the script in. A reply that is not one is no view at all (thrown: the
   * exchange failed), as when Redis is down: read as a closed circuit, it would keep the breaker
   * closed for good.
   */
  #accept(reply: unknown): void {
    if (!isBreakerReply(reply)) throw new TypeError('not a reply of the breaker script');
    const received = Date.now();
    const state = replyText(reply, 0) as FleetState;
    const before = this.#view;
    const round = replyNumber(reply, 6);
    this.#view = {
      state,
      // No wait the script gives is longer than the longest break: a longer one is garbage, which
      // would be honoured, once Redis is lost, for as long as it says.
      waitEndsAt: received + Math.min(replyNumber(reply, 1), this.#breakDuration[1]),
      calls: replyNumber(reply, 2),
      failures: replyNumber(reply, 3),
      reporters: replyNumber(reply, 4),
      reported: replyNumber(reply, 7) === 1,
      round,
      consecutive: replyNumber(reply, 8),
      opens: replyNumber(reply, 9),
    };
    if (before === undefined || before.state !== state || before.round !== round) {
      // Another state, or another round of trial calls: attempts admitted before report nothing.
      this.#generation += 1;
      // The fleet's circuit opened (each opening starts a round): counted here, once, not at each
      // switch to it that is announced.
      if (state === 'open') this.#fleetOpened += 1;
      if (before?.round !== round) this.#probePermits = 0;
      this.#probeRound = round;
      this.#pendingCalls = 0;
      this.#pendingFailures = 0;
      this.#trailingFailures = 0;
      this.#hadSuccess = false;
      this.#successesAfterFailure = 0;
    }
    if (replyNumber(reply, 5) === 1) this.#probePermits += 1;
  }

  /** Claims a trial call's place for the fleet, in the background; one claim at a time. */
  #claimProbe(): void {
    const time = Date.now();
    if (this.#claim !== undefined || this.#closing !== undefined || time < this.#nextClaimAt) {
      return;
    }
    this.#nextClaimAt = time + 10;
    this.#claim = this.#exchange
      .runOnce(breakerScript, this.#keys, this.#arguments('claim', emptyBatch), (late) =>
        this.#giveBackLateClaim(late),
      )
      .then((result) => {
        this.#claim = undefined;
        if (result.ok && isBreakerReply(result.reply)) this.#accept(result.reply);
        this.#announceReported();
      });
  }

  /**
   * A claim answered after `redisTimeout` may have been granted a place that no trial call of this
   * instance will use: it goes back to the fleet's round at once (closed or not), as a cancelled
   * trial call's, rather than hold the round for a whole break.
   */
  #giveBackLateClaim(late: ExchangeResult): void {
    if (!late.ok || !isBreakerReply(late.reply) || replyNumber(late.reply, 5) !== 1) return;
    // The round the place was granted in, whatever this instance has heard since.
    const args = this.#arguments('probe', emptyBatch, -1, replyNumber(late.reply, 6));
    // If that fails too, the fleet gives the round up after a whole break, as before.
    this.#exchange.sendDetached(breakerScript, this.#keys, args, () => undefined);
  }

  /** Reports a trial call's outcome (1 success, 0 failure, -1 cancelled) for the fleet's round. */
  #reportProbe(outcome: 1 | 0 | -1): void {
    void this.#exchange
      .runOnce(breakerScript, this.#keys, this.#arguments('probe', emptyBatch, outcome))
      .then((result) => {
        if (result.ok && isBreakerReply(result.reply)) this.#accept(result.reply);
        this.#announceReported();
      });
  }

  /**
   * Tells listeners of a change of the state `state` reports, once, where the local `Breaker` does
   * not: the fleet's view's changes, and each switch between the view and the local `Breaker`.
   * Called where the breaker notices one: an exchange's result, an `enter()`, `isolate()`.
   */
  #announceReported(): void {
    const local = super.state;
    const onView = local !== 'isolated' && this.#actingOnView();
    // The local Breaker announces each change of its own: listeners last heard of its state.
    const from = this.#toldFromView ? this.#toldViewState : local;
    const to = onView ? this.#view!.state : local;
    // Back on the fleet's circuit: an attempt the local Breaker admitted reports to a circuit the
    // breaker no longer acts on, so its report is ignored, as one from before a change of state.
    if (onView && !this.#toldFromView) this[renewTickets]();
    this.#toldFromView = onView;
    this.#toldViewState = to;
    if (from !== to) this.#announce(from, to);
  }

  #announce(from: CircuitState, to: CircuitState): void {
    // An opening is counted where it happens: the local Breaker's by it, the fleet's in #accept.
    this.#fleetStateChanges += 1;
    if (circuitStateChannel.hasSubscribers) {
      publishCircuitState({ breaker: this, key: undefined, from, to });
    }
    const listener = this.options.onStateChange;
    if (listener === undefined) return;
    try {
      const result: unknown = listener(Object.freeze({ from, to }));
      if (typeof (result as { then?: unknown } | null | undefined)?.then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (reason: unknown) =>
          reportListenerFailure('onStateChange', reason),
        );
      }
    } catch (thrown) {
      reportListenerFailure('onStateChange', thrown);
    }
  }
}
