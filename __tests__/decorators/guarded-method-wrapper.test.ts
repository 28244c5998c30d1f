import {
  BrokenCircuitError,
  CircuitBreaker,
  ConcurrencyLimit,
  HttpError,
  Retry,
  RetryDefaults,
  stats,
} from '../../src';
import { statisticsKey } from '../../src/telemetry/statistics';

// A method whose own decorators include a breaker, a concurrency limit or a rate limit gets the
// wrapper that runs a ticketed first attempt itself (src/core/fast-path/README.md), whichever
// order its decorators are written in: a guard above @Retry replaces the wrapper @Retry installed,
// and a guard on the class replaces its methods' wrappers.
// Either wrapper runs any call: one whose class's pipeline takes another first attempt is handed
// on. Every test here asserts what a call does, so that a wrapper in the wrong place shows as a
// wrong answer, not only as a slower call (the inlining itself is checked by
// __tests__/core/fast-path-guard.test.ts).

const exact = { initialDelay: 100, maxDelay: 100, jitter: 'none', budget: false } as const;

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** Calls that stay pending until `release`: they hold their concurrency slots meanwhile. */
function heldCalls() {
  let release: (value: string) => void = () => undefined;
  return {
    hold: () =>
      new Promise<string>((resolve) => {
        release = resolve;
      }),
    release: (value: string) => release(value),
  };
}

/** One slot, no queue: a second call is refused while the first holds it, which it gives back. */
async function expectOneCallAtATime(
  call: () => Promise<string>,
  held: ReturnType<typeof heldCalls>,
): Promise<void> {
  const first = call();
  await expect(call()).rejects.toMatchObject({ code: 'TENACIOUS_CONCURRENCY_LIMIT' });
  held.release('done');
  await expect(first).resolves.toBe('done');
  const next = call();
  held.release('again');
  await expect(next).resolves.toBe('again');
}

describe('a breaker stacked in either order with @Retry', () => {
  class BreakerBelow {
    calls = 0;
    @Retry({ ...exact, maxAttempts: 1 })
    @CircuitBreaker({ consecutiveFailures: 2, breakDuration: 60_000 })
    async call(fail: boolean): Promise<string> {
      this.calls += 1;
      if (fail) throw new HttpError(503);
      return 'ok';
    }
  }
  class BreakerAbove {
    calls = 0;
    @CircuitBreaker({ consecutiveFailures: 2, breakDuration: 60_000 })
    @Retry({ ...exact, maxAttempts: 1 })
    async call(fail: boolean): Promise<string> {
      this.calls += 1;
      if (fail) throw new HttpError(503);
      return 'ok';
    }
  }

  it.each([
    ['below @Retry', BreakerBelow],
    ['above @Retry', BreakerAbove],
  ])(
    '%s: successes pass, two failures open it, and an open circuit refuses without a call',
    async (_, Service) => {
      const service = new Service();
      await expect(service.call(false)).resolves.toBe('ok');
      await expect(service.call(true)).rejects.toBeInstanceOf(HttpError);
      await expect(service.call(true)).rejects.toBeInstanceOf(HttpError);
      await expect(service.call(false)).rejects.toBeInstanceOf(BrokenCircuitError);
      expect(service.calls).toBe(3);
      expect(stats(service.call)).toMatchObject({ calls: 4, attempts: 3 });
    },
  );

  it('above @Retry, keeps the method its own name and length', () => {
    expect(BreakerAbove.prototype.call.name).toBe('call');
    expect(BreakerAbove.prototype.call.length).toBe(1);
  });

  it('above @Retry on a sync method: a success is returned as it is, a throw is retried', () => {
    class Parser {
      calls = 0;
      @CircuitBreaker({ consecutiveFailures: 5 })
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 2 })
      parse(text: string): number {
        this.calls += 1;
        if (this.calls === 2) throw new HttpError(503);
        return text.length;
      }
    }
    const parser = new Parser();
    expect(parser.parse('abc')).toBe(3);
    // A failed sync attempt retried with no delay: the retry runs within the call.
    expect(parser.parse('abcd')).toBe(4);
    expect(parser.calls).toBe(3);
  });
});

describe('a concurrency limit above @Retry', () => {
  it('holds its slot for the call, and a call beyond the limit is refused', async () => {
    const held = heldCalls();
    class Gateway {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 0 })
      @Retry({ ...exact, maxAttempts: 1 })
      async call(): Promise<string> {
        return held.hold();
      }
    }
    const gateway = new Gateway();
    await expectOneCallAtATime(() => gateway.call(), held);
  });
});

describe('a method with its own breaker, called through a class whose pipeline is not ticketed', () => {
  it('runs the class defaults of the subclass (retryOnResult) through the same method', async () => {
    class Base {
      calls = 0;
      @CircuitBreaker({ consecutiveFailures: 5, breakDuration: 60_000 })
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 2 })
      async call(answer: string): Promise<string> {
        this.calls += 1;
        return answer;
      }
    }
    // `retryOnResult` makes the subclass's pipeline a general first attempt: the ticketed wrapper
    // hands its calls on.
    @RetryDefaults({ retryOnResult: (value) => value === 'busy' })
    class Picky extends Base {}
    const base = new Base();
    const picky = new Picky();
    await expect(base.call('busy')).resolves.toBe('busy');
    expect(base.calls).toBe(1);
    const answer = picky.call('busy');
    await jest.advanceTimersByTimeAsync(0);
    await expect(answer).resolves.toBe('busy');
    expect(picky.calls).toBe(2);
    expect(stats(base.call)).toMatchObject({ calls: 2, attempts: 3 });
  });
});

describe('a `this` whose class reads differently each time', () => {
  it('gets an answer, not a hand-off between the two wrappers that never ends', async () => {
    class Base {
      @CircuitBreaker({ consecutiveFailures: 5 })
      @Retry({ ...exact, initialDelay: 0, maxDelay: 0, maxAttempts: 2 })
      async call(answer: string): Promise<string> {
        return answer;
      }
    }
    // Base's pipeline takes the ticketed first attempt, Picky's the general one.
    @RetryDefaults({ retryOnResult: (value) => value === 'busy' })
    class Picky extends Base {}
    let reads = 0;
    const shifting = {
      get constructor() {
        reads += 1;
        return reads % 2 === 1 ? Picky : Base;
      },
    };
    await expect(Base.prototype.call.call(shifting, 'answer')).resolves.toBe('answer');
  });
});

describe('a guard on the class', () => {
  it('guards its methods, instance and static, with the wrapper in place of the lean one', async () => {
    @CircuitBreaker({ consecutiveFailures: 2, breakDuration: 60_000 })
    class Search {
      static lookups = 0;
      finds = 0;
      @Retry({ ...exact, maxAttempts: 1 })
      async find(fail: boolean): Promise<string> {
        this.finds += 1;
        if (fail) throw new HttpError(503);
        return 'found';
      }
      @Retry({ ...exact, maxAttempts: 1 })
      static async lookup(fail: boolean): Promise<string> {
        Search.lookups += 1;
        if (fail) throw new HttpError(503);
        return 'looked up';
      }
    }
    const search = new Search();
    await expect(search.find(false)).resolves.toBe('found');
    await expect(Search.lookup(false)).resolves.toBe('looked up');
    // One breaker for the class: failures of either method open it for both.
    await expect(search.find(true)).rejects.toBeInstanceOf(HttpError);
    await expect(Search.lookup(true)).rejects.toBeInstanceOf(HttpError);
    await expect(search.find(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(Search.lookup(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect([search.finds, Search.lookups]).toEqual([2, 2]);
    expect(stats(search.find)).toMatchObject({ calls: 3, attempts: 2 });
    expect(stats(Search.lookup)).toMatchObject({ calls: 3, attempts: 2 });
    expect(Search.prototype.find.name).toBe('find');
    expect(Search.lookup.length).toBe(1);
  });

  it('from @RetryDefaults: a concurrency limit holds its slot for the call', async () => {
    const held = heldCalls();
    @RetryDefaults({ concurrencyLimit: { maxConcurrent: 1, maxQueued: 0 } })
    class Gateway {
      @Retry({ ...exact, maxAttempts: 1 })
      async call(): Promise<string> {
        return held.hold();
      }
    }
    const gateway = new Gateway();
    await expectOneCallAtATime(() => gateway.call(), held);
  });

  it('keeps a method that a decorator above @Retry marked, with the mark', async () => {
    // Either mode: legacy decorators are handed the method in a descriptor, as the third argument.
    function marked(...args: unknown[]): void {
      const method = args.length === 3 ? (args[2] as PropertyDescriptor).value : args[0];
      Object.defineProperty(method, 'marked', { value: true });
    }
    @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
    class Gateway {
      @marked
      @Retry({ ...exact, maxAttempts: 1 })
      async call(fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'ok';
      }
    }
    const gateway = new Gateway();
    expect(Object.getOwnPropertyDescriptor(Gateway.prototype.call, 'marked')?.value).toBe(true);
    await expect(gateway.call(true)).rejects.toBeInstanceOf(HttpError);
    await expect(gateway.call(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(Object.hasOwn(Gateway.prototype.call, statisticsKey)).toBe(true);
  });

  it('leaves an async generator method its wrapper, which has no first attempt to take', async () => {
    const installed: Function[] = [];
    // Either mode, as `marked` above: keeps the method it is handed, as a handler registry does.
    function registered(...args: unknown[]): void {
      installed.push(args.length === 3 ? (args[2] as PropertyDescriptor).value : args[0]);
    }
    @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
    class Feed {
      @registered
      @Retry({ ...exact, maxAttempts: 1 })
      async *items(fail: boolean): AsyncGenerator<string> {
        if (fail) throw new HttpError(503);
        yield 'item';
      }
    }
    expect(Feed.prototype.items).toBe(installed[0]);
    const read = async (fail: boolean): Promise<string[]> => {
      const items: string[] = [];
      for await (const item of new Feed().items(fail)) items.push(item);
      return items;
    };
    await expect(read(false)).resolves.toEqual(['item']);
    await expect(read(true)).rejects.toBeInstanceOf(HttpError);
    await expect(read(false)).rejects.toBeInstanceOf(BrokenCircuitError);
  });

  it("on a base class: guards a subclass's own methods", async () => {
    @RetryDefaults({ circuitBreaker: { consecutiveFailures: 1, breakDuration: 60_000 } })
    class GuardedBase {}
    class Gateway extends GuardedBase {
      calls = 0;
      @Retry({ ...exact, maxAttempts: 1 })
      async call(fail: boolean): Promise<string> {
        this.calls += 1;
        if (fail) throw new HttpError(503);
        return 'ok';
      }
    }
    const gateway = new Gateway();
    await expect(gateway.call(true)).rejects.toBeInstanceOf(HttpError);
    await expect(gateway.call(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(gateway.calls).toBe(1);
  });

  it('leaves the methods of a base class as they are', async () => {
    class Base {
      @Retry({ ...exact, maxAttempts: 1 })
      async call(fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'ok';
      }
    }
    const baseMethod = Base.prototype.call;
    @CircuitBreaker({ consecutiveFailures: 1, breakDuration: 60_000 })
    class Guarded extends Base {}
    expect(Base.prototype.call).toBe(baseMethod);
    // Calls through the subclass still pass its breaker; calls through the base do not.
    await expect(new Guarded().call(true)).rejects.toBeInstanceOf(HttpError);
    await expect(new Guarded().call(false)).rejects.toBeInstanceOf(BrokenCircuitError);
    await expect(new Base().call(false)).resolves.toBe('ok');
  });
});
