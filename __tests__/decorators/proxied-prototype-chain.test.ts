import { HttpError, Retry, RetryDefaults } from '../../src';

// A Proxy can fake a prototype chain that never reaches null: its getPrototypeOf trap returns the
// proxy itself. Every walk of a chain tenacious makes (a class's records, the class of `this`)
// must end: with a TypeError naming the cause, or by working. Each trap below gives up with
// `runaway` after far more calls than any bounded walk makes, so an unbounded walk fails the test
// rather than hanging it.

const runawayLimit = 1_000_000;
const runaway = new Error('runaway: the prototype chain was walked without end');

/** A Proxy of `target` whose prototype is itself, read through `overrides` first. */
function cyclicProxy<Target extends object>(
  target: Target,
  overrides: Partial<Record<PropertyKey, unknown>> = {},
): Target {
  let reads = 0;
  const proxy: Target = new Proxy(target, {
    getPrototypeOf: () => {
      reads += 1;
      if (reads > runawayLimit) throw runaway;
      return proxy;
    },
    get: (inner, key, receiver) =>
      Object.hasOwn(overrides, key) ? overrides[key] : Reflect.get(inner, key, receiver),
  });
  return proxy;
}

/** A class whose base class is a Proxy with a cyclic chain (and cyclic metadata, for TC39 mode). */
function cyclicBase(): new () => object {
  return cyclicProxy(class {}, { [Symbol.metadata]: cyclicProxy({}) });
}

const immediate = { maxAttempts: 2, initialDelay: 0, jitter: 'none', budget: false } as const;

describe('a class whose prototype chain a Proxy makes cyclic', () => {
  it('refuses a decorated method with a TypeError naming the chain', () => {
    const Base = cyclicBase();
    expect(() => {
      class Derived extends Base {
        @Retry(immediate)
        async call(): Promise<string> {
          return 'ok';
        }
      }
      return Derived;
    }).toThrow(/prototype chain goes on past 10000 objects/);
  });

  it('refuses a class decorator with a TypeError naming the chain', () => {
    const Base = cyclicBase();
    expect(() => {
      @RetryDefaults(immediate)
      class Derived extends Base {}
      return Derived;
    }).toThrow(/prototype chain goes on past 10000 objects/);
  });
});

describe('a call whose `this` names a class with a cyclic prototype chain', () => {
  class Service {
    failuresLeft = 0;

    @Retry(immediate)
    async call(): Promise<string> {
      if (this.failuresLeft > 0) {
        this.failuresLeft -= 1;
        throw new HttpError(503);
      }
      return 'ok';
    }
  }

  /** An object of `Service` whose `constructor` is a Proxy of it with a cyclic chain. */
  function hostileThis(failures: number): Service {
    const constructor = cyclicProxy(Service, {
      // TC39 mode reads the class's metadata: the method's own, so that only the walk from the
      // class itself remains to be made.
      [Symbol.metadata]: (Service as { [Symbol.metadata]?: unknown })[Symbol.metadata],
    });
    const service = new Service();
    service.failuresLeft = failures;
    Object.defineProperty(service, 'constructor', { value: constructor });
    return service;
  }

  it('ends as its first call: it works in TC39 mode, else fails with a TypeError', async () => {
    // TC39 mode finds the class's records from its metadata, which the proxy forwards; legacy
    // mode walks from the class itself.
    const standardMode = Object.hasOwn(Service, Symbol.metadata);
    const outcome = Promise.resolve().then(() => hostileThis(0).call());
    if (standardMode) {
      await expect(outcome).resolves.toBe('ok');
    } else {
      await expect(outcome).rejects.toThrow(/prototype chain goes on past 10000 objects/);
    }
  });

  it('keeps its own failure when it fails after the method’s calls were shared', async () => {
    await expect(new Service().call()).resolves.toBe('ok');
    const error = await hostileThis(2)
      .call()
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(HttpError);
  });
});
