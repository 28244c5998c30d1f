import {
  Breaker,
  BrokenCircuitError,
  ErrorCategory,
  IsolatedCircuitError,
  classifyError,
  isRateLimitError,
} from '../../../src';
import { isBreaker } from '../../../src/policies/circuit-breaker/breaker';

type ErrorsModule = typeof import('../../../src/policies/circuit-breaker/errors');
type BreakerModule = typeof import('../../../src/policies/circuit-breaker/breaker');

/** The modules as a second copy of the package would load them: other classes, same brands. */
function secondCopy(): ErrorsModule & BreakerModule {
  let loaded: (ErrorsModule & BreakerModule) | undefined;
  jest.isolateModules(() => {
    loaded = {
      ...(require('../../../src/policies/circuit-breaker/errors') as ErrorsModule),
      ...(require('../../../src/policies/circuit-breaker/breaker') as BreakerModule),
    };
  });
  if (loaded === undefined) throw new Error('not loaded');
  return loaded;
}

describe('BrokenCircuitError', () => {
  it('has a stable code, its retryAfter, the key, and the NON_RETRYABLE category', () => {
    const error = new BrokenCircuitError(1_234.5, 'host-a');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'BrokenCircuitError',
      code: 'TENACIOUS_CIRCUIT_OPEN',
      retryAfter: 1_234.5,
      key: 'host-a',
      category: ErrorCategory.NON_RETRYABLE,
      message: 'the circuit for key "host-a" is open; a trial call is admitted in 1235 ms',
    });
    expect(new BrokenCircuitError(0).message).toBe(
      'the circuit is open; a trial call is admitted in 0 ms',
    );
  });

  it('is classified by its own category, also as the cause of another error, and is not a rate limit', () => {
    const error = new BrokenCircuitError(10);
    expect(classifyError(error)).toBe(ErrorCategory.NON_RETRYABLE);
    expect(classifyError(new Error('wrapped', { cause: error }))).toBe(ErrorCategory.NON_RETRYABLE);
    expect(isRateLimitError(error)).toBe(false);
    expect(classifyError(new IsolatedCircuitError())).toBe(ErrorCategory.NON_RETRYABLE);
  });

  it('classifyError takes the category any branded tenacious error carries, and only a valid one', () => {
    const brand = Symbol.for('tenacious.error');
    expect(classifyError({ [brand]: true, category: 'timeout' })).toBe(ErrorCategory.TIMEOUT);
    // Not a category: the error is judged as any other (here by its status).
    expect(classifyError({ [brand]: true, category: 'bogus', status: 503 })).toBe(
      ErrorCategory.RETRYABLE,
    );
    // Without the brand, a `category` property means nothing.
    expect(classifyError({ category: 'timeout' })).toBe(ErrorCategory.NON_RETRYABLE);
    expect(classifyError({ [brand]: 'yes', category: 'timeout' })).toBe(
      ErrorCategory.NON_RETRYABLE,
    );
  });

  it('is not counted as a failure by an outer breaker', () => {
    const outer = new Breaker({ consecutiveFailures: 1 });
    const error = new BrokenCircuitError(10);
    const ticket = outer.enter(undefined);
    outer.failed(undefined, ticket, error, classifyError(error), 1);
    expect(outer.state).toBe('closed');
  });
});

describe('IsolatedCircuitError', () => {
  it('is a BrokenCircuitError with its own code and no known end', () => {
    const error = new IsolatedCircuitError('host-a');
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(error).toBeInstanceOf(IsolatedCircuitError);
    expect(new BrokenCircuitError(1)).not.toBeInstanceOf(IsolatedCircuitError);
    expect(error).toMatchObject({
      name: 'IsolatedCircuitError',
      code: 'TENACIOUS_CIRCUIT_ISOLATED',
      retryAfter: Infinity,
      key: 'host-a',
      category: ErrorCategory.NON_RETRYABLE,
    });
  });
});

describe('brands across two copies of the package', () => {
  const copy = secondCopy();

  it('the copy is a different class', () => {
    expect(copy.BrokenCircuitError).not.toBe(BrokenCircuitError);
    expect(copy.Breaker).not.toBe(Breaker);
  });

  it('instanceof works both ways', () => {
    expect(new copy.BrokenCircuitError(1)).toBeInstanceOf(BrokenCircuitError);
    expect(new BrokenCircuitError(1)).toBeInstanceOf(copy.BrokenCircuitError);
    expect(new copy.IsolatedCircuitError()).toBeInstanceOf(IsolatedCircuitError);
    expect(new copy.IsolatedCircuitError()).toBeInstanceOf(BrokenCircuitError);
    expect(new copy.BrokenCircuitError(1)).not.toBeInstanceOf(IsolatedCircuitError);
    expect(classifyError(new copy.BrokenCircuitError(1))).toBe(ErrorCategory.NON_RETRYABLE);
  });

  it('an object carrying the brand counts; lookalikes without it do not', () => {
    const branded = { [Symbol.for('tenacious.error.circuit-open')]: true };
    expect(branded).toBeInstanceOf(BrokenCircuitError);
    expect({ code: 'TENACIOUS_CIRCUIT_OPEN', name: 'BrokenCircuitError' }).not.toBeInstanceOf(
      BrokenCircuitError,
    );
    expect(new Error('open')).not.toBeInstanceOf(BrokenCircuitError);
    expect(null).not.toBeInstanceOf(BrokenCircuitError);
    expect('BrokenCircuitError').not.toBeInstanceOf(BrokenCircuitError);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(hostile).not.toBeInstanceOf(BrokenCircuitError);
    expect(classifyError(hostile)).toBe(ErrorCategory.NON_RETRYABLE);
    expect(isBreaker(hostile)).toBe(false);
  });

  it('a user subclass keeps the ordinary prototype check', () => {
    class MaintenanceError extends IsolatedCircuitError {}
    expect(new MaintenanceError()).toBeInstanceOf(MaintenanceError);
    expect(new MaintenanceError()).toBeInstanceOf(IsolatedCircuitError);
    expect(new IsolatedCircuitError()).not.toBeInstanceOf(MaintenanceError);
    class HostDownError extends BrokenCircuitError {}
    expect(new HostDownError(1)).toBeInstanceOf(HostDownError);
    expect(new HostDownError(1)).toBeInstanceOf(BrokenCircuitError);
    expect(new BrokenCircuitError(1)).not.toBeInstanceOf(HostDownError);
  });

  it('isBreaker accepts a breaker from either copy, nothing else', () => {
    expect(isBreaker(new Breaker())).toBe(true);
    expect(isBreaker(new copy.Breaker())).toBe(true);
    expect(copy.isBreaker(new Breaker())).toBe(true);
    expect(isBreaker({ enter: () => 1 })).toBe(false);
    expect(isBreaker(undefined)).toBe(false);
    expect(isBreaker({ consecutiveFailures: 3 })).toBe(false);
  });
});
