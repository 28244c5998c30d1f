import { HttpError, retryable } from '../../src';

// A callback that throws ends the call with what it threw, and the failure it was handling becomes
// that value's `cause`: a thrown function is an object for that, like an Error.
describe('a callback that throws a function', () => {
  it('ends the call with that function, the failure as its cause', () => {
    const unavailable = new HttpError(503);
    const thrownFunction = Object.assign(() => undefined, { label: 'thrown by onRetry' });
    const call = retryable(
      () => {
        throw unavailable;
      },
      {
        initialDelay: 0,
        onRetry: () => {
          throw thrownFunction;
        },
      },
    );
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrownFunction);
    expect((caught as { cause?: unknown }).cause).toBe(unavailable);
  });
});
