import { debuglog } from 'node:util';
import type { ErrorCategory } from '../classify/error-category';
import { describeValue } from '../policy/describe-value';
import { readCode, readName, readString } from '../classify/error-shape';
import type { RetryLane } from '../policy/retry-policy';
import type { CallRecord, PipelinePolicy, PolicyKind } from '../core/pipeline';
import {
  budgetExhaustedChannel,
  circuitStateChannel,
  giveUpChannel,
  rateLimitedChannel,
  hedgeChannel,
  retryChannel,
  successChannel,
  type CallIdentity,
  type CircuitStateMessage,
  type GiveUpMessage,
  type GiveUpReason,
  type RetryMessage,
} from './channels';

// Called from the slow path only, each behind one `channel.hasSubscribers` check at its call site,
// so that nothing here runs (and no message is made) while nobody listens.

export function publishRetry(
  call: CallRecord,
  lane: RetryLane | undefined,
  category: ErrorCategory | undefined,
  error: unknown,
  delay: number,
): void {
  const { className, method } = call.pipeline.identity;
  retryChannel.publish({
    className,
    method,
    attempt: call.attempt,
    delay,
    lane: lane?.name ?? 'retry',
    category,
    error,
  });
}

export function publishGiveUp(
  call: CallRecord,
  attempts: number,
  reason: GiveUpReason,
  category: ErrorCategory | undefined,
  error: unknown,
): void {
  const { className, method } = call.pipeline.identity;
  giveUpChannel.publish({ className, method, attempts, reason, category, error });
}

/** A call that a policy refused before its first attempt (an open circuit): no attempt was made. */
export function publishRefusal(
  call: CallRecord,
  error: unknown,
  policy: PolicyKind | undefined,
): void {
  const { className, method } = call.pipeline.identity;
  giveUpChannel.publish({
    className,
    method,
    attempts: 0,
    reason: 'refused',
    category: undefined,
    error,
    policy,
  });
}

export function publishSuccess(call: CallRecord): void {
  const { className, method } = call.pipeline.identity;
  successChannel.publish({ className, method, attempts: call.attempt });
}

export function publishBudgetExhausted(
  call: CallRecord,
  policy: PipelinePolicy,
  category: ErrorCategory | undefined,
  error: unknown,
  delay: number,
): void {
  const { className, method } = call.pipeline.identity;
  budgetExhaustedChannel.publish({
    className,
    method,
    budget: policy.target,
    attempt: call.attempt,
    delay,
    category,
    error,
  });
}

export function publishRateLimited(call: CallRecord, limiter: object, error: unknown): void {
  const { className, method } = call.pipeline.identity;
  rateLimitedChannel.publish({ className, method, limiter, attempt: call.attempt, error });
}

/** `tenacious:hedge`: attempt `attempt` of `call` starts beside the others, after `delay` ms. */
export function publishHedge(call: CallRecord, attempt: number, delay: number): void {
  const { className, method } = call.pipeline.identity;
  hedgeChannel.publish({ className, method, attempt, delay });
}

export function publishCircuitState(message: CircuitStateMessage): void {
  circuitStateChannel.publish(message);
}

/**
 * `NODE_DEBUG=tenacious`: one line per retry, give-up and circuit state change. It subscribes to
 * the channels like any other listener, so the call sites keep their one check.
 */
const debug = debuglog('tenacious');

function nameOf({ className, method }: CallIdentity): string {
  return className === undefined ? method : `${className}.${method}`;
}

/**
 * Never throws: it runs in a diagnostics_channel subscriber, where a throw would be an uncaught
 * exception, and the error may be anything (a getter that throws, a Proxy whose traps do).
 */
function describeFailure(error: unknown): string {
  if (isError(error)) {
    const name = readName(error) ?? 'Error';
    const message = readString(error, 'message') ?? '';
    const code = readCode(error);
    return code === undefined ? `${name}: ${message}` : `${name} ${code}: ${message}`;
  }
  return describeValue(error);
}

function isError(value: unknown): boolean {
  try {
    return value instanceof Error;
  } catch {
    // A Proxy whose getPrototypeOf trap throws, or a revoked one.
    return false;
  }
}

function debugRetry(message: unknown): void {
  const retry = message as RetryMessage;
  debug(
    '%s: attempt %d failed (%s, %s); retrying in %d ms',
    nameOf(retry),
    retry.attempt,
    retry.category ?? 'result',
    describeFailure(retry.error),
    retry.delay,
  );
}

function debugGiveUp(message: unknown): void {
  const giveUp = message as GiveUpMessage;
  if (giveUp.attempts === 0) {
    debug(
      '%s: refused before its first attempt (%s)',
      nameOf(giveUp),
      describeFailure(giveUp.error),
    );
    return;
  }
  debug(
    '%s: gave up after %d attempt(s) (%s; %s, %s)',
    nameOf(giveUp),
    giveUp.attempts,
    giveUp.reason,
    giveUp.category ?? 'result',
    describeFailure(giveUp.error),
  );
}

function debugCircuitState(message: unknown): void {
  const change = message as CircuitStateMessage;
  debug(
    'circuit%s: %s -> %s',
    change.key === undefined ? '' : ` "${change.key}"`,
    change.from,
    change.to,
  );
}

/**
 * Marks the channels once one copy of the package subscribed its debug lines. It is kept on the
 * channel, which every copy in the process shares (Node keeps one per name), so that a second copy
 * (another version in node_modules, a test runner's fresh module registry) prints no line twice.
 */
const debugLinesKey = Symbol.for('tenacious.debug-lines');

if (debug.enabled && !Object.hasOwn(retryChannel, debugLinesKey)) {
  Reflect.defineProperty(retryChannel, debugLinesKey, { value: true });
  retryChannel.subscribe(debugRetry);
  giveUpChannel.subscribe(debugGiveUp);
  circuitStateChannel.subscribe(debugCircuitState);
}
