// Type-level tests for the breaker and the budget. Not run by jest: `npm run typecheck` compiles
// this file. Plain lines must compile; a line under `// @ts-expect-error` must not.
import {
  Breaker,
  BrokenCircuitError,
  ErrorCategory,
  IsolatedCircuitError,
  RetryBudget,
  type BreakerSnapshot,
  type CircuitBreakerOptions,
  type CircuitState,
  type CircuitStateChange,
  type RetryBudgetOptions,
} from '../../src';

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <Condition extends true>(): Condition | undefined => undefined;

class ModelService {
  host = 'bedrock.local';
}

// --- What must compile ---------------------------------------------------------------------

const options: CircuitBreakerOptions = {
  failureRatio: 0.5,
  samplingDuration: 30_000,
  minimumThroughput: 10,
  breakDuration: { initial: 1_000, max: 60_000, exponentialBase: 2 },
  halfOpenProbes: 2,
  slowCallDuration: 5_000,
  slowCallRatio: 0.8,
  failureOn: [ErrorCategory.TIMEOUT, ErrorCategory.NETWORK],
  // A key function typed for one class and argument list fits.
  key: (service: ModelService, [modelId]: readonly [string]) => `${service.host}/${modelId}`,
  maxKeys: 500,
  onStateChange: (change) => {
    holds<Equals<typeof change, CircuitStateChange>>();
    holds<Equals<typeof change.to, CircuitState>>();
  },
};
const breaker = new Breaker(options);
const consecutive = new Breaker({ consecutiveFailures: 5, breakDuration: 10_000 });
const restored = new Breaker({ ...options, initialState: breaker.toJSON() });
holds<Equals<typeof restored.state, 'closed' | 'open' | 'half-open' | 'isolated'>>();
holds<Equals<ReturnType<Breaker['toJSON']>, BreakerSnapshot>>();
holds<Equals<ReturnType<Breaker['enter']>, number>>();
holds<Equals<ReturnType<Breaker['isolate']>, () => void>>();
holds<Equals<ReturnType<Breaker['refusal']>, BrokenCircuitError>>();
holds<Equals<BrokenCircuitError['retryAfter'], number>>();
holds<Equals<IsolatedCircuitError['code'], 'TENACIOUS_CIRCUIT_ISOLATED'>>();
holds<
  Equals<BrokenCircuitError['code'], 'TENACIOUS_CIRCUIT_OPEN' | 'TENACIOUS_CIRCUIT_ISOLATED'>
>();
consecutive.stateOf('host-a');

const budgetOptions: RetryBudgetOptions = { ratio: 0.2, minPerSecond: 5, window: 60_000 };
const budget = new RetryBudget(budgetOptions);
holds<Equals<ReturnType<RetryBudget['tryRetry']>, boolean>>();
holds<Equals<typeof budget.retriesInWindow, number>>();

// --- What must not compile -----------------------------------------------------------------

// @ts-expect-error failureRatio is a number
new Breaker({ failureRatio: '50%' });
// @ts-expect-error breakDuration backoff needs max
new Breaker({ breakDuration: { initial: 1_000 } });
// @ts-expect-error failureOn takes ErrorCategory values
new Breaker({ failureOn: ['server-error'] });
// @ts-expect-error an unknown option
new Breaker({ threshold: 5 });
// @ts-expect-error initialState is a snapshot, not a state name
new Breaker({ initialState: 'open' });
// @ts-expect-error the key is a string
new Breaker({ key: () => 5 });
// @ts-expect-error the state is read-only
breaker.state = 'open';
// @ts-expect-error an unknown budget option
new RetryBudget({ percent: 10 });
// @ts-expect-error window is a number of ms
new RetryBudget({ window: '10s' });
