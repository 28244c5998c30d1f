import { ErrorCategory } from '../../classify/error-category';
import { tenaciousErrorBrand } from '../../classify/tenacious-error';

// Brands live on the prototypes (no cost per error) and use Symbol.for, so `instanceof` is true for
// an error made by a second copy of the package (two versions in node_modules, a bundled copy), as
// undici does for its errors. A user's own subclass keeps the ordinary prototype-chain check.
const brokenCircuitBrand: unique symbol = Symbol.for('tenacious.error.circuit-open') as never;
const isolatedCircuitBrand: unique symbol = Symbol.for('tenacious.error.circuit-isolated') as never;

function hasBrand(value: unknown, brand: symbol): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  try {
    return (value as Record<symbol, unknown>)[brand] === true;
  } catch {
    return false; // a Proxy whose trap throws
  }
}

const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

function circuitName(key: string | undefined): string {
  return key === undefined ? 'the circuit' : `the circuit for key ${JSON.stringify(key)}`;
}

/**
 * An attempt refused because the circuit is open, or because it is half-open and its trial calls
 * are already running. No call reached the dependency.
 *
 * Its category is NON_RETRYABLE, on purpose: the circuit has just said the dependency is down, so
 * a retry around the call (the caller's own, or an outer `@Retry` on a method that calls this one)
 * would only be refused again, or, when it lands as the break ends, add to the load on a dependency
 * that is recovering. For the same reason an outer circuit breaker does not count it as a failure
 * of its own dependency. Wait `retryAfter` ms instead, or fall back.
 */
export class BrokenCircuitError extends Error {
  /** Stable, for programs that compare codes rather than classes. */
  readonly code: 'TENACIOUS_CIRCUIT_OPEN' | 'TENACIOUS_CIRCUIT_ISOLATED';
  /** How the classifier (and so `@Retry`) treats it; see the class comment. */
  readonly category: ErrorCategory = ErrorCategory.NON_RETRYABLE;
  /**
   * Milliseconds until the circuit admits a trial call again (an upper bound while half-open, when
   * the trial calls that are running decide sooner); `Infinity` while it is isolated.
   */
  readonly retryAfter: number;
  /** The key of the circuit, for a breaker with one circuit per key. */
  readonly key: string | undefined;

  constructor(retryAfter: number, key?: string, message?: string) {
    super(
      message ??
        `${circuitName(key)} is open; a trial call is admitted in ${Math.ceil(retryAfter)} ms`,
    );
    this.name = 'BrokenCircuitError';
    this.code = 'TENACIOUS_CIRCUIT_OPEN';
    this.retryAfter = retryAfter;
    this.key = key;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== BrokenCircuitError) return ordinaryHasInstance.call(this, value);
    return hasBrand(value, brokenCircuitBrand);
  }
}

/**
 * An attempt refused because `breaker.isolate()` holds the circuit open (by hand: a maintenance
 * window, a dependency known to be down). A `BrokenCircuitError` too, so one check covers both;
 * `retryAfter` is `Infinity`, as only the release ends an isolation. NON_RETRYABLE, as its parent.
 */
export class IsolatedCircuitError extends BrokenCircuitError {
  declare readonly code: 'TENACIOUS_CIRCUIT_ISOLATED';

  constructor(key?: string) {
    super(
      Infinity,
      key,
      `${circuitName(key)} is isolated: held open until every isolate() is released`,
    );
    this.name = 'IsolatedCircuitError';
    (this as { code: string }).code = 'TENACIOUS_CIRCUIT_ISOLATED';
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== IsolatedCircuitError) return ordinaryHasInstance.call(this, value);
    return hasBrand(value, isolatedCircuitBrand);
  }
}

for (const [prototype, brand] of [
  [BrokenCircuitError.prototype, brokenCircuitBrand],
  [IsolatedCircuitError.prototype, isolatedCircuitBrand],
] as const) {
  Object.defineProperty(prototype, brand, { value: true });
}
Object.defineProperty(BrokenCircuitError.prototype, tenaciousErrorBrand, { value: true });

/**
 * The refusal of a half-open circuit whose trial calls are all taken: `retryAfter` is the longest
 * the caller may wait (the running trial calls may decide sooner).
 */
export function halfOpenRefusal(retryAfter: number, key: string | undefined): BrokenCircuitError {
  return new BrokenCircuitError(
    retryAfter,
    key,
    `${circuitName(key)} is half-open and its trial calls are running; another is admitted in ${Math.ceil(retryAfter)} ms at the latest`,
  );
}
