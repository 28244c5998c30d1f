import {
  runWithin,
  scriptRunnerFor,
  type ExchangeResult,
  type LuaScript,
  type RedisClientLike,
  type ScriptRunner,
} from './client-adapter';

/** How often local counts are sent and the fleet's view is read back, in ms. */
export const exchangeInterval = 100;

/**
 * A view older than this (no successful exchange since) is not trusted: the policy decides locally.
 * Five exchanges missed in a row is not a hiccup; nor is one slow exchange within the timeout.
 */
function viewLifetime(timeout: number): number {
  return Math.max(5 * exchangeInterval, 2 * timeout + exchangeInterval);
}

/**
 * While commands are still unanswered past their timeout, the next exchange waits this long (a
 * client that queues commands while disconnected must not pile up one per tick).
 */
const hungExchangeAfter = 1000;

/**
 * Holds the process open until `pending` settles (always within the exchange's timeout): the
 * exchange's own timer is unref'd, so with a client that holds nothing open (one that queues
 * commands while disconnected) an awaited `sync()` or `close()` would otherwise let the process
 * exit mid-await.
 */
function keepingProcessAlive(pending: Promise<void>): Promise<void> {
  const keepAlive = setInterval(() => {}, 2_147_483_647);
  return pending.finally(() => clearInterval(keepAlive));
}

/** One exchange's request: the script, its keys and arguments, and what the policy needs back. */
export interface ExchangeRequest<Batch> {
  readonly script: LuaScript;
  readonly keys: string[];
  readonly args: string[];
  readonly batch: Batch;
}

export interface ExchangeHandlers<Batch> {
  /** The periodic exchange's request (counts taken out of the local pending counts). */
  prepare(): ExchangeRequest<Batch>;
  /** The server's reply to an exchange, in time. */
  accept(reply: unknown, batch: Batch): void;
  /**
   * The exchange failed for sure (the client rejected it: the counts never reached Redis), so its
   * counts go back to the pending ones. A timed-out exchange may still have reached Redis: its counts
   * are given back only if the client rejects it later.
   */
  giveBack(batch: Batch): void;
  /**
   * The server's reply to an exchange that had timed out: it ran, but the policy decided without
   * it. Optional; what it throws is contained.
   */
  acceptLate?(reply: unknown, batch: Batch): void;
  /**
   * Called after every periodic exchange (answered, failed, timed out, or skipped while commands
   * hang), once `reachable` says what came of it. Optional; it must not throw.
   */
  settled?(): void;
}

/**
 * The background half of a fleet-wide policy: every `exchangeInterval` ms (timer unref'd, started
 * at the first use, stopped by `close()`), one script sends the counts made locally since the last
 * exchange and reads the fleet's totals back. Nothing here ever throws or rejects into user code,
 * and nothing a call does waits for it.
 */
export class BackgroundExchange<Batch> {
  readonly #run: ScriptRunner;
  readonly #timeout: number;
  readonly #viewLifetime: number;
  readonly #handlers: ExchangeHandlers<Batch>;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #inFlight: Promise<void> | undefined;
  #inFlightSince = 0;
  #followUp: Promise<void> | undefined;
  // Commands sent and not yet answered, timed out or not: a client that queues commands while
  // disconnected must not be handed one per tick.
  #unsettled = 0;
  #lastSentAt = 0;
  #lastSuccessAt = -Infinity;
  #lastFailed = true;
  #exchangeRequested = false;

  constructor(client: RedisClientLike, timeout: number, handlers: ExchangeHandlers<Batch>) {
    const run = scriptRunnerFor(client);
    this.#run = (script, keys, args) => {
      this.#unsettled += 1;
      this.#lastSentAt = Date.now();
      const settled = () => {
        this.#unsettled -= 1;
      };
      const reply = run(script, keys, args);
      reply.then(settled, settled);
      return reply;
    };
    this.#timeout = timeout;
    this.#viewLifetime = viewLifetime(timeout);
    this.#handlers = handlers;
  }

  /** Whether the fleet's view is recent enough to decide with (the last exchange answered in time). */
  get reachable(): boolean {
    return !this.#lastFailed && Date.now() - this.#lastSuccessAt <= this.#viewLifetime;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the periodic exchange, once. Cheap enough to call on every use. */
  start(): void {
    if (this.#startTimer()) void this.#exchangeNow();
  }

  /** Starts the periodic exchange's timer if it was not yet; whether it did. */
  #startTimer(): boolean {
    if (this.#timer !== undefined || this.#closed) return false;
    this.#timer = setInterval(() => void this.#exchangeNow(), exchangeInterval);
    this.#timer.unref();
    return true;
  }

  /** Asks for an exchange now (a local count may have crossed the fleet's threshold). */
  exchangeSoon(): void {
    if (this.#closed || this.#exchangeRequested) return;
    this.#exchangeRequested = true;
    queueMicrotask(() => {
      this.#exchangeRequested = false;
      if (!this.#closed) void this.#exchangeNow();
    });
  }

  /**
   * One exchange now, for a caller that awaits it (`sync()`), starting the periodic exchange if it
   * was not yet; when one is in flight, another right after it. Resolves when the exchange that
   * carries everything counted so far is answered or timed out, and keeps the process alive until
   * then. Sends nothing once closed.
   */
  exchange(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    // Not through start(): its first exchange, then this one after it, would take two timeouts.
    this.#startTimer();
    return keepingProcessAlive(this.#exchangeNow());
  }

  /** One exchange now, or right after the one in flight (the timer's, which holds no process). */
  #exchangeNow(): Promise<void> {
    const time = Date.now();
    const inFlight = this.#inFlight;
    if (inFlight !== undefined && time - this.#inFlightSince < hungExchangeAfter) {
      this.#followUp ??= inFlight.then(() => {
        this.#followUp = undefined;
        // Once closed, close()'s own last exchange carries what this one would have.
        return this.#closed ? undefined : this.#exchangeNow();
      });
      return this.#followUp;
    }
    if (this.#unsettled >= 2 && time - this.#lastSentAt < hungExchangeAfter) {
      this.#lastFailed = true;
      this.#handlers.settled?.();
      return Promise.resolve();
    }
    const request = this.#handlers.prepare();
    const since = time;
    this.#inFlightSince = time;
    const exchange = runWithin(
      this.#run,
      request.script,
      request.keys,
      request.args,
      this.#timeout,
      (late) => this.#lateResult(late, request.batch),
    ).then((result) => {
      if (this.#inFlightSince === since) this.#inFlight = undefined;
      this.#settle(result, request.batch);
    });
    this.#inFlight = exchange;
    return exchange;
  }

  /**
   * Runs one script besides the periodic exchange (a probe's claim or result), within the timeout;
   * `lateReply` is told what came after it. Once closed, sends nothing and settles as a failed
   * exchange.
   */
  runOnce(
    script: LuaScript,
    keys: string[],
    args: string[],
    lateReply?: (result: ExchangeResult) => void,
  ): Promise<ExchangeResult> {
    if (this.#closed) return Promise.resolve({ ok: false, timedOut: false });
    return runWithin(this.#run, script, keys, args, this.#timeout, lateReply);
  }

  /**
   * Sends one script besides the periodic exchange, closed or not, and forgets it: `failed` is
   * called if the client rejects it (the script never ran), in time or late. For what must reach
   * Redis even after `close()` (a lease a late reply granted). Never throws or rejects.
   */
  sendDetached(script: LuaScript, keys: string[], args: string[], failed: () => void): void {
    const reportFailure = (result: ExchangeResult) => {
      if (!result.ok && !result.timedOut) failed();
    };
    void runWithin(this.#run, script, keys, args, this.#timeout, reportFailure).then(reportFailure);
  }

  /**
   * Stops the periodic exchange; sends the counts made since the last one, within the timeout,
   * keeping the process alive until then. Nothing is sent to Redis after it but `sendDetached`.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    return keepingProcessAlive(this.#finish());
  }

  async #finish(): Promise<void> {
    await this.#inFlight;
    if (this.#lastSuccessAt !== -Infinity) await this.#exchangeNow();
  }

  #settle(result: ExchangeResult, batch: Batch): void {
    this.#record(result, batch);
    this.#handlers.settled?.();
  }

  #record(result: ExchangeResult, batch: Batch): void {
    if (result.ok) {
      try {
        this.#handlers.accept(result.reply, batch);
      } catch {
        // A reply it cannot read is no view at all; this runs on a timer, where a throw would crash.
        this.#lastFailed = true;
        return;
      }
      this.#lastFailed = false;
      this.#lastSuccessAt = Date.now();
      return;
    }
    this.#lastFailed = true;
    if (!result.timedOut) this.#handlers.giveBack(batch);
  }

  #lateResult(late: ExchangeResult, batch: Batch): void {
    if (!late.ok) {
      this.#handlers.giveBack(batch);
      return;
    }
    try {
      this.#handlers.acceptLate?.(late.reply, batch);
    } catch {
      // A late reply it cannot read changes nothing; this runs in a promise callback of the client.
    }
  }
}
