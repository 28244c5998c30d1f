/**
 * `tenacious/opentelemetry`: turns tenacious's diagnostics channels into OpenTelemetry metrics and
 * span events. Loads `@opentelemetry/api` (an optional peer dependency); the core never does.
 */
import {
  metrics,
  trace,
  ValueType,
  type Attributes,
  type MeterProvider,
  type TracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type {
  BudgetExhaustedMessage,
  CallIdentity,
  CircuitStateMessage,
  ConcurrencyRejectedMessage,
  GiveUpMessage,
  HedgeMessage,
  RateLimitedMessage,
  RetryMessage,
  SuccessMessage,
  TenaciousChannelName,
} from './telemetry/channels';
import { readCode, readName } from './classify/error-shape';
import { reportListenerFailure } from './policies/listener-failure';

export interface TenaciousInstrumentationOptions {
  /**
   * Where the metrics go.
   * @default metrics.getMeterProvider() (the global meter provider)
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Accepted for the shape every instrumentation has. tenacious starts no span of its own: its
   * events go on the span active around the call (`trace.getActiveSpan()`), whichever provider
   * made it, and the resend count on the request spans undici's instrumentation makes.
   */
  readonly tracerProvider?: TracerProvider;
}

/** What `instrumentTenacious` returns: `dispose()` unsubscribes from every channel. */
export interface TenaciousInstrumentation {
  dispose(): void;
  [Symbol.dispose](): void;
}

const instrumentationName = 'tenacious';

/** The version in package.json, for the meter's scope (a test keeps the two equal). */
const instrumentationVersion = '0.1.0';

/** A retried call's resends so far, in the call's own async context. */
interface CallResends {
  count: number;
  /** The call succeeded or gave up: a later request in its context is no resend. */
  ended: boolean;
}

// One record per retried call, entered into the call's async context when its first retry is
// announced (the announcement runs in the call's context, and its next attempts continue from it),
// so that concurrent calls under one span each have their own count. `undiciStartSpanHook` reads
// it for the HTTP client spans the call's requests start.
const callResends = new AsyncLocalStorage<CallResends>();

/**
 * A `startSpanHook` for `@opentelemetry/instrumentation-undici`
 * (`new UndiciInstrumentation({ startSpanHook: undiciStartSpanHook })`): a request made by a retry
 * of a call gets `http.request.resend_count` (1 for the first retry, ...).
 */
export function undiciStartSpanHook(): Attributes {
  const resends = callResends.getStore();
  return resends === undefined || resends.ended
    ? {}
    : { 'http.request.resend_count': resends.count };
}

/** Counts the call's retry: its first starts the call's record, in the call's context. */
function recordResend(attempt: number): void {
  const resends = callResends.getStore();
  // The first retry's context may hold another call's record (a call made from inside it).
  if (attempt > 1 && resends !== undefined && !resends.ended) resends.count = attempt;
  else callResends.enterWith({ count: attempt, ended: false });
}

/** The call that retried is over: a later request in its context is a new request. */
function endResends(attempts: number): void {
  // A call that made one attempt never retried: a record in its context is an enclosing call's.
  if (attempts < 2) return;
  const resends = callResends.getStore();
  if (resends !== undefined) resends.ended = true;
}

function callAttributes({ className, method }: CallIdentity): Attributes {
  return className === undefined
    ? { 'tenacious.method': method }
    : { 'tenacious.class': className, 'tenacious.method': method };
}

/**
 * OpenTelemetry's `error.type`: the error's `code` when it has a string one, else its class name.
 * Read safely: a getter that throws (or a Proxy) still gives a type, and the data point is kept.
 */
function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = readCode(error);
    if (code !== undefined) return code;
    const name = readName(error);
    if (name !== undefined && name !== '') return name;
  }
  return '_OTHER';
}

function failureAttributes(category: string | undefined, error: unknown): Attributes {
  return category === undefined
    ? { 'tenacious.error.category': 'result' }
    : { 'tenacious.error.category': category, 'error.type': errorType(error) };
}

/**
 * Subscribes to tenacious's channels and records:
 * - `tenacious.attempts` (counter): attempts whose outcome tenacious acted on, by
 *   `tenacious.attempt.outcome` (`retried`, `gave_up`, `recovered`), `tenacious.error.category`
 *   and `error.type`; a first attempt that succeeds is never published (see `stats()` for totals);
 * - `tenacious.retry.delay` (histogram, seconds): the waits before retries;
 * - `tenacious.circuit.state_changes` (counter): by `tenacious.circuit.state.from` and `.to`;
 * - `tenacious.budget.exhausted` (counter): retries the budget refused;
 * - `tenacious.rejections` (counter): calls or attempts a policy refused, by `tenacious.policy`
 *   (`budget`, `circuit-breaker`, `concurrency-limit`, `rate-limiter`);
 * - `tenacious.hedges` (counter): hedged attempts started;
 * and an event on the active span for each retry, give-up and recovery (`tenacious.retry`,
 * `tenacious.give_up`, `tenacious.success`). Every metric but the circuit's also has
 * `tenacious.method`, and `tenacious.class` when there is one. Returns a handle whose `dispose()`
 * unsubscribes.
 */
export function instrumentTenacious(
  options: TenaciousInstrumentationOptions = {},
): TenaciousInstrumentation {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    instrumentationName,
    instrumentationVersion,
  );
  const attempts = meter.createCounter('tenacious.attempts', {
    description: 'Attempts whose outcome tenacious acted on: retried, gave up, or recovered',
    unit: '{attempt}',
    valueType: ValueType.INT,
  });
  const retryDelay = meter.createHistogram('tenacious.retry.delay', {
    description: 'The wait before each retry',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
  });
  const stateChanges = meter.createCounter('tenacious.circuit.state_changes', {
    description: 'State changes of circuit breakers',
    unit: '{change}',
    valueType: ValueType.INT,
  });
  const budgetExhausted = meter.createCounter('tenacious.budget.exhausted', {
    description: 'Retries a retry budget refused',
    unit: '{retry}',
    valueType: ValueType.INT,
  });
  const rejections = meter.createCounter('tenacious.rejections', {
    description: 'Calls or attempts a policy refused',
    unit: '{rejection}',
    valueType: ValueType.INT,
  });
  const hedges = meter.createCounter('tenacious.hedges', {
    description: 'Hedged attempts started',
    unit: '{attempt}',
    valueType: ValueType.INT,
  });

  const handlers: Partial<Record<TenaciousChannelName, (message: never) => void>> = {
    'tenacious:retry'(message: RetryMessage) {
      recordResend(message.attempt); // first: whatever the SDK throws, the next request is counted
      const attributes = {
        ...callAttributes(message),
        ...failureAttributes(message.category, message.error),
      };
      attempts.add(1, { ...attributes, 'tenacious.attempt.outcome': 'retried' });
      retryDelay.record(message.delay / 1000, { ...attributes, 'tenacious.lane': message.lane });
      const span = trace.getActiveSpan();
      if (span !== undefined) {
        span.addEvent('tenacious.retry', {
          ...attributes,
          'tenacious.attempt': message.attempt,
          'tenacious.retry.delay_ms': message.delay,
        });
      }
    },
    'tenacious:give-up'(message: GiveUpMessage) {
      endResends(message.attempts);
      // A call refused before its first attempt has no category: its error is the refusal, not a
      // retried result.
      const attributes = {
        ...callAttributes(message),
        ...(message.attempts === 0
          ? { 'error.type': errorType(message.error) }
          : failureAttributes(message.category, message.error)),
      };
      if (message.attempts === 0) {
        // Refused before its first attempt (an open circuit): no attempt to count, a rejection;
        // a rate limiter's refusal is counted from its own channel, tenacious:rate-limited.
        if (message.policy !== 'rate-limiter') {
          rejections.add(1, {
            ...callAttributes(message),
            'tenacious.policy': message.policy ?? 'unknown',
          });
        }
      } else attempts.add(1, { ...attributes, 'tenacious.attempt.outcome': 'gave_up' });
      trace.getActiveSpan()?.addEvent('tenacious.give_up', {
        ...attributes,
        'tenacious.attempts': message.attempts,
        'tenacious.give_up.reason': message.reason,
      });
    },
    'tenacious:success'(message: SuccessMessage) {
      endResends(message.attempts);
      const attributes = callAttributes(message);
      attempts.add(1, { ...attributes, 'tenacious.attempt.outcome': 'recovered' });
      trace
        .getActiveSpan()
        ?.addEvent('tenacious.success', { ...attributes, 'tenacious.attempts': message.attempts });
    },
    'tenacious:circuit-state'(message: CircuitStateMessage) {
      stateChanges.add(1, {
        'tenacious.circuit.state.from': message.from,
        'tenacious.circuit.state.to': message.to,
      });
    },
    'tenacious:budget-exhausted'(message: BudgetExhaustedMessage) {
      const attributes = callAttributes(message);
      budgetExhausted.add(1, attributes);
      rejections.add(1, { ...attributes, 'tenacious.policy': 'budget' });
    },
    'tenacious:concurrency-rejected'(message: ConcurrencyRejectedMessage) {
      rejections.add(1, { ...callAttributes(message), 'tenacious.policy': 'concurrency-limit' });
    },
    'tenacious:rate-limited'(message: RateLimitedMessage) {
      rejections.add(1, { ...callAttributes(message), 'tenacious.policy': 'rate-limiter' });
    },
    'tenacious:hedge'(message: HedgeMessage) {
      hedges.add(1, callAttributes(message));
    },
  };

  // Guarded: a failure in the SDK is reported as a warning, never thrown into a call's channel.
  const subscribers = Object.entries(handlers).map(([name, handler]) => {
    const subscriber = (message: unknown) => {
      try {
        handler(message as never);
      } catch (thrown) {
        reportListenerFailure('instrumentTenacious', thrown);
      }
    };
    subscribe(name, subscriber);
    return [name, subscriber] as const;
  });
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    for (const [name, subscriber] of subscribers) unsubscribe(name, subscriber);
  };
  return { dispose, [Symbol.dispose]: dispose };
}
