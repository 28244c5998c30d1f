import { now } from '../../policies/clock';
import { BucketedWindow } from '../../policies/retry-budget/bucketed-window';
import {
  relativeTolerance,
  RetryBudget,
  type RetryGrantOrigin,
} from '../../policies/retry-budget/retry-budget';
import type { RetryBudgetOptions } from '../../policies/retry-budget/options';
import { statisticsKey, type BudgetStats } from '../../telemetry/statistics';
import { BackgroundExchange, type ExchangeRequest } from './background-exchange';
import { replyCounts } from './client-adapter';
import { splitConnectionOptions, type RedisConnectionOptions } from './options';
import { budgetScript } from './scripts';

/** Options of `new RedisRetryBudget(options)`: the connection and `RetryBudget`'s own. */
export interface RedisRetryBudgetOptions extends RetryBudgetOptions, RedisConnectionOptions {}

interface BudgetBatch {
  readonly calls: number;
  readonly retries: number;
  /** Retries sent in an earlier batch that never ran: the script takes them out of the window. */
  readonly refunds: number;
}

/** The fleet's totals as of the last exchange. */
interface FleetBudgetView {
  readonly calls: number;
  readonly retries: number;
  /** Instances that exchanged within the window, this one included. */
  readonly instances: number;
}

/**
 * A retry budget for a whole fleet: every instance that names the same `key` (and Redis) counts
 * its first attempts and retries into one window, so N instances together retry as much as one
 * `RetryBudget` with the fleet's traffic would let them, not N times as much. Accepted wherever a
 * `RetryBudget` is.
 *
 * Nothing a call does waits for Redis. `recordCall()` adds to local counts; every 100 ms, in the
 * background, one script adds them to the fleet's window and reads the fleet's totals back
 * (`exchangeInterval`). `tryRetry()` decides from that view and the counts made since: of the
 * retries the fleet has left in the window, this instance spends at most its share (what is left,
 * divided by the instances active in the window), plus `ratio` of the first attempts it made since
 * the last exchange.
 *
 * Accuracy: once every instance has exchanged once (within 100 ms of its first use; `await
 * budget.sync()` at startup does it at once), the fleet's retries in a window stay within the
 * `RetryBudget` rule applied to the fleet's totals, plus at most one retry per instance (a share is
 * a fraction, and a retry is allowed while an instance spent less than it), plus `ratio` x the
 * first attempts of the last exchange interval (earned and spent before the others hear of them).
 * An instance no other has heard of yet may spend, once, what it sees left divided among the
 * instances it knows. Instances that are up but idle still count in the division, so shares err on
 * the side of fewer retries. Before its first exchange is answered, and while Redis is unreachable,
 * an instance decides alone as below, and the bound is that of N local budgets for that time.
 *
 * When Redis does not answer within `redisTimeout` ms, or has not answered for 500 ms, the instance
 * decides like a local `RetryBudget` of its own (its first attempts are always counted locally as
 * well) and keeps counting for the fleet; when Redis answers again its counts are sent and it
 * follows the fleet's view again. `stats()` counts this instance's first attempts and the retries it
 * was granted, by the fleet or alone (`retriesInWindow` too); `fleetView` has the fleet's totals.
 * A retry given back (`refundRetry`) after its grant was sent leaves the fleet's window with the
 * next exchange (an instance of an older version sends no refunds, and reads the window as the
 * others left it). It is given back where it was granted, by the fleet or alone.
 * Call `close()` when done: it stops the background exchange.
 */
export class RedisRetryBudget extends RetryBudget {
  /** The key the fleet's state is stored under (the hash-tagged prefix). */
  readonly redisKey: string;
  readonly #exchange: BackgroundExchange<BudgetBatch>;
  readonly #keys: string[];
  readonly #instance: string;
  #pendingCalls = 0;
  #pendingRetries = 0;
  #pendingRefunds = 0;
  // Counts sent in the exchange that is still in flight: not in the view yet.
  #sentCalls = 0;
  #sentRetries = 0;
  #sentRefunds = 0;
  #view: FleetBudgetView | undefined;
  #fleetRetries = 0;
  // Retries the fleet granted this instance, in windows aligned with the local budget's.
  readonly #fleetGrants: BucketedWindow;
  // Where the last retry was granted: by the local budget (Redis unreachable) or the fleet's view.
  #lastGrantOrigin: RetryGrantOrigin = 'local';
  #fleetRefused = 0;

  constructor(options: RedisRetryBudgetOptions) {
    // Errors name the class the caller constructed, as the local class's do.
    const source = new.target.name || 'RedisRetryBudget';
    const { connection, rest } = splitConnectionOptions(options, source);
    super(rest as RetryBudgetOptions);
    this.redisKey = `tenacious:{${connection.key}}:budget`;
    this.#keys = [`${this.redisKey}:window`, `${this.redisKey}:instances`];
    this.#instance = connection.instance;
    this.#fleetGrants = new BucketedWindow(this.options.window, 1);
    this.#exchange = new BackgroundExchange<BudgetBatch>(
      connection.client,
      connection.redisTimeout,
      {
        prepare: () => this.#prepare(),
        accept: (reply) => this.#accept(reply),
        giveBack: (batch) => this.#giveBack(batch),
      },
    );
  }

  /** Whether decisions follow the fleet's view now (false: Redis is unreachable or not heard yet). */
  get fleetReachable(): boolean {
    return this.#exchange.reachable;
  }

  override recordCall(): void {
    super.recordCall();
    this.#pendingCalls += 1;
    this.#exchange.start();
  }

  override tryRetry(): boolean {
    this.#exchange.start();
    const view = this.#view;
    if (view === undefined || !this.#exchange.reachable) {
      if (!super.tryRetry()) return false;
      this.#pendingRetries += 1;
      this.#lastGrantOrigin = 'local';
      return true;
    }
    const { ratio, minPerSecond, window } = this.options;
    const instances = Math.max(1, view.instances);
    const fleetEarned = ratio * view.calls + (minPerSecond * window) / 1000;
    const ownEarned = ratio * (this.#pendingCalls + this.#sentCalls);
    // What the fleet overspent (left < 0) is paid back from what this instance's calls earn.
    const share = (fleetEarned - view.retries) / instances + ownEarned;
    const spent =
      this.#pendingRetries + this.#sentRetries - this.#pendingRefunds - this.#sentRefunds;
    // Compared as the local budget compares, the float error being that of what was earned (not of
    // what is left of it): 0.07 x 100 calls earn 7 retries, not 8, spent or not.
    const tolerance = (fleetEarned / instances + ownEarned) * relativeTolerance;
    if (spent >= share - tolerance) {
      this.#fleetRefused += 1;
      return false;
    }
    this.#pendingRetries += 1;
    this.#fleetRetries += 1;
    this.#fleetGrants.add(0, 1, now());
    this.#lastGrantOrigin = 'fleet';
    return true;
  }

  override get lastGrantOrigin(): RetryGrantOrigin {
    return this.#lastGrantOrigin;
  }

  /**
   * Gives back a retry granted by the local budget or the fleet's view: `origin` (the pipeline
   * passes where the call's retry was granted), else where the last retry was granted.
   */
  override refundRetry(origin: RetryGrantOrigin = this.#lastGrantOrigin): void {
    // Only a retry this instance was granted, still in the window, is given back: a refund sent
    // for nothing would take another instance's retry out of the fleet's window.
    if (origin === 'local') {
      if (super.retriesInWindow <= 0) return;
      super.refundRetry();
    } else {
      if (!this.#fleetGrants.takeNewest(0, now())) return;
      this.#fleetRetries -= 1;
    }
    // Not sent yet: it is simply not sent. Sent (or in flight): the fleet's window gives it back.
    if (this.#pendingRetries > 0) this.#pendingRetries -= 1;
    else this.#pendingRefunds += 1;
  }

  /**
   * Retries this instance was granted in the window now, by the fleet or by its local budget (as
   * `callsInWindow` counts its own first attempts); the fleet's totals are in `fleetView`.
   */
  override get retriesInWindow(): number {
    return super.retriesInWindow + this.#fleetGrants.sum(0, now());
  }

  /** Stops the background exchange after sending what was counted since the last one. */
  close(): Promise<void> {
    return this.#exchange.close();
  }

  /**
   * Exchanges with Redis now and resolves when answered (or after `redisTimeout`); never rejects.
   * `await policy.sync()` at startup joins the fleet before the first call is decided.
   */
  sync(): Promise<void> {
    return this.#exchange.exchange();
  }

  /** The fleet's first attempts and retries in the window, as of the last exchange. */
  get fleetView(): Readonly<FleetBudgetView> | undefined {
    return this.#view;
  }

  override [statisticsKey](): BudgetStats {
    const local = super[statisticsKey]();
    return {
      ...local,
      retries: local.retries + this.#fleetRetries,
      rejections: local.rejections + this.#fleetRefused,
    };
  }

  #prepare(): ExchangeRequest<BudgetBatch> {
    const batch = {
      calls: this.#pendingCalls,
      retries: this.#pendingRetries,
      refunds: this.#pendingRefunds,
    };
    this.#pendingCalls = 0;
    this.#pendingRetries = 0;
    this.#pendingRefunds = 0;
    this.#sentCalls = batch.calls;
    this.#sentRetries = batch.retries;
    this.#sentRefunds = batch.refunds;
    return {
      script: budgetScript,
      keys: this.#keys,
      args: [
        this.#instance,
        String(batch.calls),
        String(batch.retries),
        String(this.options.window),
        String(batch.refunds),
      ],
      batch,
    };
  }

  #accept(reply: unknown): void {
    // A reply that is not the script's is no view at all (the exchange failed), as when Redis is
    // down: read as an empty window, it would let every exchange interval spend a fresh allowance.
    // A negative count too: it would lift the fleet's limit.
    const counts = replyCounts(reply, 0, 4);
    if (counts === undefined) throw new TypeError('not a reply of the budget script');
    const [calls, retries, instances, member] = counts as [number, number, number, number];
    this.#sentCalls = 0;
    this.#sentRetries = 0;
    this.#sentRefunds = 0;
    this.#view = {
      calls,
      retries,
      // This instance is about to count, if it has not yet: its share is one of n + 1.
      instances: instances + (member === 1 ? 0 : 1),
    };
  }

  #giveBack(batch: BudgetBatch): void {
    this.#sentCalls = 0;
    this.#sentRetries = 0;
    this.#sentRefunds = 0;
    this.#pendingCalls += batch.calls;
    this.#pendingRetries += batch.retries;
    this.#pendingRefunds += batch.refunds;
  }
}
