import { Breaker, HttpError, Retry, RetryDefaults, stats } from '../../src';

// An override decorated as its base method is, calling `super.method()`: two retry loops, one
// inside the other, as the README says under "Method kinds". Compiled in both decorator modes
// (../legacy imports this file).

describe('a decorated override that calls its decorated base method', () => {
  it('runs two loops: attempts multiply, and a shared breaker counts a call in both', () => {
    const breaker = new Breaker({ consecutiveFailures: 100 });
    let attempts = 0;
    @RetryDefaults({ maxAttempts: 3, delays: [0], circuitBreaker: breaker, budget: false })
    abstract class Repository {
      @Retry() load(): string {
        attempts += 1;
        throw new HttpError(503);
      }
    }
    class Users extends Repository {
      @Retry() override load(): string {
        return super.load();
      }
    }
    const users = new Users();
    expect(() => users.load()).toThrow(HttpError);
    expect(attempts).toBe(9);
    // The nine attempts of the base method, and the three of the override that failed with them.
    expect(stats(breaker).failures).toBe(12);
    expect(stats(users.load)).toMatchObject({ calls: 1, attempts: 3 });
    expect(stats(Repository.prototype.load)).toMatchObject({ calls: 3, attempts: 9 });
  });

  it('an override without decorators runs the base method’s one loop, under its class defaults', () => {
    let attempts = 0;
    @RetryDefaults({ maxAttempts: 3, delays: [0], budget: false })
    abstract class Repository {
      @Retry() load(): string {
        attempts += 1;
        throw new HttpError(503);
      }
    }
    @RetryDefaults({ maxAttempts: 2 })
    class Users extends Repository {
      override load(): string {
        return super.load();
      }
    }
    expect(() => new Users().load()).toThrow(HttpError);
    expect(attempts).toBe(2);
  });
});
