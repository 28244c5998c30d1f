import { RateLimiter, type RateLimitGrant } from '../../policies/rate-limit/rate-limiter';
import type { RateLimiterOptions } from '../../policies/rate-limit/options';
import { statisticsKey, type RateLimiterStats } from '../../telemetry/statistics';
import { BackgroundExchange, type ExchangeRequest } from './background-exchange';
import { replyCounts } from './client-adapter';
import { splitConnectionOptions, type RedisConnectionOptions } from './options';
import { limiterScript } from './scripts';

/** Options of `new RedisRateLimiter(options)`: the connection and `RateLimiter`'s own. */
export interface RedisRateLimiterOptions extends RateLimiterOptions, RedisConnectionOptions {}

interface LimiterBatch {
  /** Unused leased units given back to the fleet. */
  readonly returned: number;
  /** Units used beyond the lease, charged to the fleet. */
  readonly overdraft: number;
  /** Units asked for: the most a reply may lease. */
  readonly request: number;
}

/** The fleet's limiter as of the last exchange. */
interface FleetLimiterView {
  /** How far (ms) the fleet's theoretical arrival time was ahead of the server's clock. */
  readonly ahead: number;
  /** Instances that exchanged within the last `interval` (at least 1 s), this one included. */
  readonly instances: number;
}

// The fallback limiter's `cost` option: never called (tryAcquire is given each call's weight), it
// lets the fallback's limit, a share of the fleet's, be below one unit.
const weighed = (): number => 1;

// A wait this small is float noise, not a turn to wait for (as in RateLimiter).
const negligibleWait = 1e-6;

/**
 * A rate limiter for a whole fleet: every instance that names the same `key` (and Redis) draws
 * on one quota of `limit` units per `interval` (a Bedrock account's requests or tokens per
 * minute), kept in Redis as one GCRA. Accepted wherever a `RateLimiter` is.
 *
 * Nothing a call does waits for Redis. Every 100 ms, in the background, the instance leases a
 * batch of units from the fleet's GCRA, sized from its demand of the last two exchange intervals
 * (at least the largest cost it was asked for, at most `limit`), gives back what it holds beyond
 * that, and spends the lease locally. When the lease cannot pay for an attempt, the instance
 * decides with a local GCRA that starts from the fleet's state as of the last exchange and charges
 * each unit `instances` times over (so it spends its share of what the fleet had free, at its
 * share of the rate), waiting within `maxWait` when its turn is later; those units are charged to
 * the fleet's GCRA at the next exchange, whatever its state, so every unit used is paid for.
 *
 * Accuracy: the fleet's GCRA lets at most `limit + limit * t / interval` units be leased in any
 * span of `t` ms (`2 * limit` in one interval, right after a quiet spell), and every unit used
 * is charged to it, so the long-run rate is the fleet's `limit`. Beyond the leases, each instance
 * may spend its share of the units the fleet had free at its last exchange before it hears of the
 * others' leases: at most `limit` more units in one interval for the whole fleet, when every lease
 * runs out at once after a quiet spell. Leased units that are not used are given back at the next
 * exchange (an idle instance asks for none), so at most about 100 ms of an instance's demand is
 * held unused; a lease whose reply came after `redisTimeout` is not spent, but given back to the
 * fleet as soon as the reply comes (by `close()` too).
 *
 * When Redis does not answer within `redisTimeout` ms (or has not answered for 500 ms), the
 * instance decides like a local `RateLimiter` with `limit` divided by the number of instances last
 * seen (1 before the first exchange), so the fleet stays near its quota if every instance loses
 * Redis at once; a call weighing more than that share is charged the share. Units used meanwhile
 * are not charged to the fleet when Redis answers again: the instance follows the fleet's GCRA
 * from then on. A turn given back (its wait was aborted) goes to whichever granted it, the fleet
 * or the local share, whichever the instance follows by then. With `adaptive: true` the rate falls
 * on this instance only, when the dependency throttles its attempts: it charges the fleet
 * `limit / rate` units per unit used (the fleet as a whole slows down while one instance is being
 * throttled). Call `close()` when done: it gives the lease back and stops the background exchange.
 */
export class RedisRateLimiter extends RateLimiter {
  /** The key the fleet's state is stored under (the hash-tagged prefix). */
  readonly redisKey: string;
  readonly #exchange: BackgroundExchange<LimiterBatch>;
  readonly #keys: string[];
  readonly #instance: string;
  /** Milliseconds per unit at the full rate. */
  readonly #emission: number;
  /** Leased units not spent yet. */
  #lease = 0;
  /** Units used beyond the lease, not sent yet. */
  #overdraft = 0;
  /** The fleet's theoretical arrival time as last seen, plus this instance's overdraft since. */
  #mirror = -Infinity;
  #asked = 0;
  #askedBefore = 0;
  #largestCost = 0;
  #largestCostBefore = 0;
  #closing = false;
  #view: FleetLimiterView | undefined;
  #fallback: RateLimiter | undefined;
  #granted = 0;
  #waited = 0;
  #rejections = 0;
  #lastGrant: RateLimitGrant | undefined;

  constructor(options: RedisRateLimiterOptions) {
    // Errors name the class the caller constructed, as the local class's do.
    const source = `new ${new.target.name || 'RedisRateLimiter'}`;
    const { connection, rest } = splitConnectionOptions(options, source);
    super(rest as unknown as RateLimiterOptions);
    this.redisKey = `tenacious:{${connection.key}}:limiter`;
    this.#keys = [this.redisKey, `${this.redisKey}:instances`];
    this.#instance = connection.instance;
    this.#emission = this.options.interval / this.options.limit;
    this.#exchange = new BackgroundExchange<LimiterBatch>(
      connection.client,
      connection.redisTimeout,
      {
        prepare: () => this.#prepare(),
        accept: (reply, batch) => this.#accept(reply, batch),
        giveBack: (batch) => this.#giveBack(batch),
        acceptLate: (reply, batch) => this.#giveBackLateLease(reply, batch),
      },
    );
  }

  /** Whether decisions follow the fleet's view now (false: Redis is unreachable or not heard yet). */
  get fleetReachable(): boolean {
    return this.#exchange.reachable;
  }

  /** The fleet's limiter as of the last exchange. */
  get fleetView(): Readonly<FleetLimiterView> | undefined {
    return this.#view;
  }

  /** Leased units this instance holds and has not spent. */
  get leased(): number {
    return this.#lease;
  }

  override tryAcquire(cost: number, maxWait: number, now: number): number {
    if (cost === 0) return 0;
    this.#exchange.start();
    this.#asked += cost;
    if (cost > this.#largestCost) this.#largestCost = cost;
    if (!this.#following()) {
      const fallback = this.#fallbackLimiter();
      const fallbackWait = fallback.tryAcquire(
        Math.min(cost, fallback.options.limit),
        maxWait,
        now,
      );
      if (fallbackWait > 0 && fallbackWait <= maxWait) this.#lastGrant = fallback.lastGrant;
      return fallbackWait;
    }
    const charge = cost * this.#chargeFactor();
    if (this.#lease >= charge) {
      this.#lease -= charge;
      this.#granted += 1;
      return 0;
    }
    const { interval } = this.options;
    const arrival =
      Math.max(this.#mirror, now) + charge * this.#emission * Math.max(1, this.#view!.instances);
    let wait = arrival - interval - now;
    if (wait < negligibleWait) wait = 0;
    if (wait > maxWait) {
      this.#rejections += 1;
      return wait;
    }
    this.#mirror = arrival;
    this.#overdraft += charge;
    this.#granted += 1;
    if (wait > 0) {
      this.#waited += 1;
      this.#lastGrant = { takenFrom: this, taken: charge };
    }
    return wait;
  }

  override get lastGrant(): RateLimitGrant | undefined {
    return this.#lastGrant;
  }

  /**
   * Gives back a turn granted with a wait to whichever granted it (`grant.takenFrom`): the fleet's
   * lease, or the local share that decided while Redis was unreachable, whatever this instance
   * follows now.
   */
  override release(cost: number, now: number, grant?: RateLimitGrant): void {
    if (cost === 0) return;
    if (grant !== undefined && grant.takenFrom !== this) {
      grant.takenFrom.release(Math.min(cost, grant.takenFrom.options.limit), now, grant);
      // A replaced local share's counts were taken into this instance's (`#retire`).
      if (grant.takenFrom !== this.#fallback) this.#granted -= 1;
      return;
    }
    if (grant === undefined && !this.#following()) {
      const fallback = this.#fallbackLimiter();
      fallback.release(Math.min(cost, fallback.options.limit), now);
      return;
    }
    // Paid for, from the lease or as overdraft: unused units, as a lease's are.
    this.#lease += grant?.taken ?? cost * this.#chargeFactor();
    this.#granted -= 1;
  }

  override recordThrottle(now: number, attemptStartedAt: number): void {
    super.recordThrottle(now, attemptStartedAt);
    this.#fallback?.recordThrottle(now, attemptStartedAt);
  }

  /** Gives the unused lease back and stops the background exchange. */
  close(): Promise<void> {
    this.#closing = true;
    return this.#exchange.close();
  }

  /**
   * Exchanges with Redis now and resolves when answered (or after `redisTimeout`); never rejects.
   * `await limiter.sync()` at startup joins the fleet before the first call is decided.
   */
  sync(): Promise<void> {
    return this.#exchange.exchange();
  }

  override [statisticsKey](): RateLimiterStats {
    const local = super[statisticsKey]();
    const fallback = this.#fallback?.[statisticsKey]();
    return {
      ...local,
      granted: this.#granted + (fallback?.granted ?? 0),
      waited: this.#waited + (fallback?.waited ?? 0),
      rejections: this.#rejections + (fallback?.rejections ?? 0),
    };
  }

  #following(): boolean {
    return this.#view !== undefined && this.#exchange.reachable;
  }

  /** Units charged to the fleet per unit used: 1, or more while `adaptive` has lowered the rate. */
  #chargeFactor(): number {
    if (!this.options.adaptive) return 1;
    return this.options.limit / this.rate;
  }

  /** The local limiter used while Redis is unreachable: `limit` / the instances last seen. */
  #fallbackLimiter(): RateLimiter {
    const { limit, interval, maxWait, adaptive } = this.options;
    const share = limit / Math.max(1, this.#view?.instances ?? 1);
    if (this.#fallback === undefined || this.#fallback.options.limit !== share) {
      if (this.#fallback !== undefined) this.#retire(this.#fallback);
      // A share below one unit (more instances than `limit`) is a valid limit for a limiter whose
      // calls are weighed, as this one's are (each charged at most the share): `cost` says so.
      this.#fallback = new RateLimiter({
        limit: share,
        interval,
        maxWait,
        adaptive,
        cost: weighed,
      });
    }
    return this.#fallback;
  }

  /** Keeps the counts of a local limiter being replaced, for `stats()`. */
  #retire(fallback: RateLimiter): void {
    const { granted, waited, rejections } = fallback[statisticsKey]();
    this.#granted += granted;
    this.#waited += waited;
    this.#rejections += rejections;
  }

  /** Units to hold after this exchange: the demand of the last two intervals, within bounds. */
  #wanted(): number {
    const demand = Math.max(this.#asked, this.#askedBefore);
    const largest = Math.max(this.#largestCost, this.#largestCostBefore);
    this.#askedBefore = this.#asked;
    this.#largestCostBefore = this.#largestCost;
    this.#asked = 0;
    this.#largestCost = 0;
    if (this.#closing || demand === 0) return 0;
    return Math.min(this.options.limit, Math.max(demand, largest));
  }

  #prepare(): ExchangeRequest<LimiterBatch> {
    const wanted = this.#wanted();
    // A lease given back leaves at once, so that a timed-out exchange cannot leave it spent twice.
    const returned = Math.max(0, this.#lease - wanted);
    const request = Math.max(0, wanted - this.#lease);
    this.#lease -= returned;
    const batch: LimiterBatch = { returned, overdraft: this.#overdraft, request };
    this.#overdraft = 0;
    return {
      script: limiterScript,
      keys: this.#keys,
      args: this.#scriptArguments(returned, request, batch.overdraft),
      batch,
    };
  }

  #scriptArguments(returned: number, request: number, overdraft: number): string[] {
    const { interval, maxWait } = this.options;
    return [
      this.#instance,
      String(returned),
      String(request),
      String(overdraft),
      String(this.#emission),
      String(interval),
      String(Math.max(interval, 1000)),
      String(4 * (interval + maxWait) + 1000),
    ];
  }

  /** Takes a reply of the script in; a reply that is not one is no view at all. */
  #accept(reply: unknown, batch: LimiterBatch): void {
    // A negative field too: read as 0, it would say the fleet had all its quota free.
    const counts = replyCounts(reply, 0, 3);
    if (counts === undefined) throw new TypeError('not a reply of the limiter script');
    const [leased, ahead, active] = counts as [number, number, number];
    const instances = Math.max(1, Math.floor(active));
    // The script leases at most what was asked; more is garbage that would lift the limit.
    this.#lease += Math.min(batch.request, leased);
    this.#view = { ahead, instances };
    this.#mirror = Date.now() + ahead + this.#overdraft * this.#emission * instances;
  }

  #giveBack(batch: LimiterBatch): void {
    this.#lease += batch.returned;
    this.#overdraft += batch.overdraft;
  }

  /**
   * A reply that came after `redisTimeout` leased units this instance decided without: they go
   * back to the fleet at once (closed or not), or, if that fails for sure, join the lease, whose
   * unused units the next exchange gives back.
   */
  #giveBackLateLease(reply: unknown, batch: LimiterBatch): void {
    // A reply that is not the script's leased nothing: units given back for it would be the fleet's.
    const counts = replyCounts(reply, 0, 3);
    if (counts === undefined) return;
    const leased = Math.min(batch.request, counts[0]!);
    if (leased === 0) return;
    this.#exchange.sendDetached(
      limiterScript,
      this.#keys,
      this.#scriptArguments(leased, 0, 0),
      () => {
        this.#lease += leased;
      },
    );
  }
}
