import { Breaker, ErrorCategory, HttpError } from '../../../src';

// Whatever an onStateChange listener throws (or rejects with) is reported as a warning, even a
// value whose `message` getter throws; it never reaches the call that tipped the state.

function hostileError(): Error {
  const hostile = new Error('ignored');
  Object.defineProperty(hostile, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  return hostile;
}

let warnings: unknown[];
let emitWarning: jest.SpyInstance;
beforeEach(() => {
  warnings = [];
  emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation((warning) => {
    warnings.push(warning);
  });
});
afterEach(() => {
  emitWarning.mockRestore();
});

describe('an onStateChange listener that throws a hostile value', () => {
  it('does not disturb the attempt whose report changed the state', () => {
    const hostile = hostileError();
    const breaker = new Breaker({
      consecutiveFailures: 1,
      onStateChange: () => {
        throw hostile;
      },
    });
    const ticket = breaker.enter(undefined);
    expect(() =>
      breaker.failed(undefined, ticket, new HttpError(503), ErrorCategory.RETRYABLE, 1),
    ).not.toThrow();
    expect(breaker.state).toBe('open');
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as Error).cause).toBe(hostile);
  });

  it("reports an async listener's hostile rejection, not an unhandled rejection", async () => {
    const hostile = hostileError();
    const breaker = new Breaker({
      consecutiveFailures: 1,
      onStateChange: () => Promise.reject(hostile),
    });
    const ticket = breaker.enter(undefined);
    breaker.failed(undefined, ticket, new HttpError(503), ErrorCategory.RETRYABLE, 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as Error).cause).toBe(hostile);
  });
});
