import { ConcurrencyLimit, Fallback, Hedge, Retry, Timeout } from '../../../src';

// A policy that cannot apply to a synchronous method refuses it with a TypeError at the first call
// (DESIGN 1b). That refusal is a bug to show: it is never retried, and @Fallback never hides it.

/** A plain method that claims a promise but returns a value: what the types cannot catch. */
const notAPromise = (value: string): Promise<string> => value as unknown as Promise<string>;

test('the synchronous-method refusal of @Timeout and @Hedge is never retried', () => {
  let invocations = 0;
  class Service {
    @Timeout(100)
    @Retry({ retryOn: () => true, initialDelay: 1, maxAttempts: 4 })
    timed(): Promise<string> {
      invocations += 1;
      return notAPromise('done');
    }

    @Hedge({ delay: 10 })
    @Retry({ retryOn: () => true, initialDelay: 1, maxAttempts: 4 })
    hedged(): Promise<string> {
      invocations += 1;
      return notAPromise('done');
    }
  }
  const service = new Service();
  expect(() => service.timed()).toThrow(/@Timeout on Service\.timed: .*not a promise/);
  expect(invocations).toBe(1);
  invocations = 0;
  expect(() => service.hedged()).toThrow(/@Hedge on Service\.hedged: .*not a promise/);
  expect(invocations).toBe(1);
});

test('@Fallback does not answer for a policy that refused a synchronous method', () => {
  class Service {
    @Timeout(100)
    @Fallback('fallback')
    timed(): Promise<string> {
      return notAPromise('done');
    }

    @Hedge({ delay: 10 })
    @Fallback('fallback')
    hedged(): Promise<string> {
      return notAPromise('done');
    }

    @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 1 })
    @Fallback('fallback')
    queued(): Promise<string> {
      return notAPromise('done');
    }
  }
  const service = new Service();
  expect(() => service.timed()).toThrow(TypeError);
  expect(() => service.hedged()).toThrow(TypeError);
  expect(() => service.queued()).toThrow(/not a promise, under a concurrency limit with a queue/);
});
