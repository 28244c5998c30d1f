import { builtInThen } from '../../core/call-with-retry';
import { deriveAttemptRecord, type CallRecord, type PipelinePolicy } from '../../core/pipeline';
import { preparedFromOptions, type PolicyRegistration } from '../../core/policy-registry';
import { mergeOwnKeys } from '../../policy/own-keys';
import { failedWith, type Outcome } from '../../core/outcome';
import { stopWaking, wakeOnAbort } from '../../core/sleep';
import { hedgeChannel } from '../../telemetry/channels';
import { publishHedge } from '../../telemetry/publish';
import { vetoMisuse } from '../../core/misuse-error';
import { runAsynchronousAttempt } from '../attempt-context/asynchronous-attempt';
import { now } from '../clock';
import { LatencyEstimate } from './latency-estimate';
import { validateHedgeOptions, type ResolvedHedgeOptions } from './options';

/**
 * Hedged attempts: one step of the retry loop runs its attempt, and when it has not settled after
 * the delay, starts another beside it (up to `maxHedges`, one per delay), each through the
 * per-attempt policies (breaker, rate limiter, timeout) on its own attempt record. The first
 * success is the step's outcome, and the others are aborted through their attempt signals (they
 * count for nothing with the breaker). When every attempt failed, the last failure is the step's
 * outcome, which the retry loop decides on as for any attempt. A hedge is an attempt: it takes
 * the next attempt number, is not made past the retry lane's `maxAttempts` (`attemptCap`), and is
 * paid from the retry budget (`admitHedge`, given back by `refundHedge` when its attempt is refused);
 * one the budget or the breaker refuses is not made, nor one after the caller aborted.
 */
export function hedgePolicy(options: ResolvedHedgeOptions): PipelinePolicy {
  const { delay, maxHedges } = options;
  const estimate =
    typeof delay === 'string' ? new LatencyEstimate(Number(delay.slice(1))) : undefined;
  const step = (
    call: CallRecord,
    start: (record: CallRecord) => Outcome | Promise<unknown>,
    continueAfterFailure: ((call: CallRecord, outcome: Outcome) => unknown) | undefined,
  ): Outcome | Promise<unknown> => {
    const startedAt = now();
    const first = start(call);
    if (!(first instanceof Promise)) return first; // refused, or a synchronous failure
    const hedgeDelay = estimate === undefined ? (delay as number) : estimate.current();
    return runHedgedStep(
      call,
      start,
      first,
      startedAt,
      hedgeDelay,
      maxHedges,
      estimate,
      continueAfterFailure,
    );
  };
  return {
    kind: 'hedge',
    providesAttemptContext: true,
    vetoRetry: vetoMisuse,
    wrapAttempt(call, run) {
      // An attempt stopped before it could start (a hedge that lost while it waited for its turn).
      const { signal } = call.attemptScope!.controller;
      if (signal.aborted) return Promise.reject(signal.reason as unknown);
      return runAsynchronousAttempt(run, call, '@Hedge', 'hedge');
    },
    // Without `continueAfterFailure`, the step settles with an outcome.
    stepAttempt: (call, runOne) => step(call, runOne, undefined) as Outcome | Promise<Outcome>,
    stepFirstAttempt: step,
  };
}

/**
 * Runs one hedged step. Its attempts settle with their outcomes (`stepAttempt`), and the step with
 * the winning or last outcome; or, given `continueAfterFailure` (`stepFirstAttempt`), they settle
 * as the method's promises do, and the step answers the call: the winning value, or what
 * `continueAfterFailure` makes of the last failure.
 */
function runHedgedStep(
  call: CallRecord,
  start: (record: CallRecord) => Outcome | Promise<unknown>,
  first: Promise<unknown>,
  startedAt: number,
  hedgeDelay: number | undefined,
  maxHedges: number,
  estimate: LatencyEstimate | undefined,
  continueAfterFailure: ((call: CallRecord, outcome: Outcome) => unknown) | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // The attempts not settled yet: rarely more than two, so a list, not a Set (cheaper to make).
    const running: CallRecord[] = [];
    let hedges = 0;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The caller's abort: no hedge starts after it (the first attempt opened its scope, so the
    // call's signal is known).
    const callSignal = call.signal;
    const stopHedging = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };

    const finish = (winner: CallRecord | undefined): void => {
      settled = true;
      stopHedging();
      if (callSignal !== undefined) stopWaking(callSignal, stopHedging);
      for (const record of running) {
        if (record === winner) continue;
        record.attemptScope!.lose(
          new DOMException('another attempt of this hedged call succeeded', 'AbortError'),
        );
      }
    };

    // `answer`: the winning outcome, or the winning value when the step answers the call.
    const succeeded = (record: CallRecord, answer: unknown, attemptStartedAt: number): void => {
      forget(running, record);
      if (settled) return;
      estimate?.record(now() - attemptStartedAt);
      finish(record);
      resolve(answer);
    };

    const failed = (record: CallRecord, outcome: Outcome): void => {
      forget(running, record);
      if (settled || running.length > 0) return;
      finish(undefined);
      resolve(continueAfterFailure === undefined ? outcome : continueAfterFailure(call, outcome));
    };

    // User code a policy ran threw (a classifier, `retryOnResult`): the step rejects with it, as
    // `runAttempt` throws it without a hedge, so that it ends the call (never an attempt's failure,
    // which the retry loop would classify and retry).
    const policyThrew = (error: unknown): void => {
      if (settled) return;
      finish(undefined);
      if (continueAfterFailure === undefined) reject(error);
      else resolve(continueAfterFailure(call, failedWith(error)));
    };

    const watch = (
      record: CallRecord,
      attempt: Promise<unknown>,
      attemptStartedAt: number,
    ): void => {
      running.push(record);
      if (continueAfterFailure === undefined) {
        (attempt as Promise<Outcome>).then(
          (outcome) => {
            // A value `retryOnResult` retries (a 429 response) is no success: another may win.
            if (outcome.failed || outcome.resultRetried === true) failed(record, outcome);
            else succeeded(record, outcome, attemptStartedAt);
          },
          (error: unknown) => {
            // A policy's own bug (a classifier that threw): the step ends with it.
            forget(running, record);
            policyThrew(error);
          },
        );
        return;
      }
      // The attempt's own promise (the method's, or its time limit's race): the attempt's scope
      // is released once it has settled.
      const attemptFailed = (error: unknown): void => {
        // Never marked lost here: a loser fails only after the step settled, and is not heard.
        record.attemptScope!.release();
        failed(record, failedWith(error));
      };
      try {
        // The built-in `then`, as `whenSettled` calls it: never the attempt's own, read again.
        builtInThen.call(
          attempt,
          (value) => {
            record.attemptScope!.release();
            succeeded(record, value, attemptStartedAt);
          },
          attemptFailed,
        );
      } catch (error) {
        // It refused a Proxy of a native promise, or a species getter threw: it attached
        // nothing, and the attempt failed.
        void Promise.reject(error).then(undefined, attemptFailed);
      }
    };

    const cap = attemptCap(call);
    const hedge = (): void => {
      timer = undefined;
      if (settled || call.attempt >= cap || callSignal?.aborted === true) return;
      const admitters = call.pipeline.admitHedge;
      for (let index = 0; index < admitters.length; index++) {
        if (admitters[index].admitHedge!(call)) continue;
        for (let paid = 0; paid < index; paid++) admitters[paid].refundHedge?.(call);
        return;
      }
      const record = deriveAttemptRecord(call, call.attempt + 1);
      const hedgeStartedAt = now();
      let outcome: Outcome | Promise<unknown> | undefined;
      let thrown: { readonly error: unknown } | undefined;
      try {
        outcome = start(record);
      } catch (error) {
        // User code a policy ran on a hedge that failed at once threw (a breaker's classifier):
        // the hedge was made, and the step ends with it below, never from this timer.
        thrown = { error };
      }
      const refused =
        outcome !== undefined &&
        !(outcome instanceof Promise) &&
        outcome.failed &&
        outcome.refused === true;
      if (refused) {
        // Refused (an open breaker, a rate limit): no hedge was made, and it costs nothing.
        for (const policy of admitters) policy.refundHedge?.(call);
        return;
      }
      call.attempt = record.attempt;
      hedges += 1;
      call.hedges += 1;
      call.pipeline.statistics.hedges += 1;
      if (hedgeChannel.hasSubscribers) {
        publishHedge(call, record.attempt, hedgeStartedAt - startedAt);
      }
      if (thrown !== undefined) {
        policyThrew(thrown.error);
        return;
      }
      // A synchronous failure is a hedge that was made: the next one is still due.
      if (outcome instanceof Promise) watch(record, outcome, hedgeStartedAt);
      if (hedges < maxHedges) timer = setTimeout(hedge, hedgeDelay);
    };

    watch(call, first, startedAt);
    if (hedgeDelay === undefined || maxHedges === 0 || callSignal?.aborted === true) return;
    timer = setTimeout(hedge, hedgeDelay);
    if (callSignal !== undefined) wakeOnAbort(callSignal, stopHedging);
  });
}

function forget(running: CallRecord[], record: CallRecord): void {
  const index = running.indexOf(record);
  if (index !== -1) running.splice(index, 1);
}

/**
 * The most attempts a hedge may take the call to (a hedge is an attempt): the retry lane's
 * `maxAttempts`, as a hedge answers slowness, not throttling; the rate-limit lane's when it is the
 * only lane (as the retry loop counts an attempt without an outcome); no lane: no cap.
 */
function attemptCap(call: CallRecord): number {
  const { retryLane, rateLimitLane } = call.pipeline;
  return (retryLane ?? rateLimitLane)?.maxAttempts ?? Infinity;
}

export const hedgeRegistration: PolicyRegistration = {
  kind: 'hedge',
  optionKey: 'hedge',
  prepare(value, source) {
    validateHedgeOptions(value, source); // names the option in `source`'s words
    const options = mergeOwnKeys(value as object);
    return preparedFromOptions(validateHedgeOptions(options, source), options);
  },
  validateMerged: (options, source) => void validateHedgeOptions(options, source),
  create: (setting) =>
    setting === undefined ? undefined : hedgePolicy(setting as ResolvedHedgeOptions),
};
