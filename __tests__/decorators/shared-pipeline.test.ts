import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  ConcurrencyLimit,
  ConcurrencyLimitError,
  HttpError,
  Retry,
  RetryDefaults,
  stats,
} from '../../src';
import { collectGarbage } from './collect-garbage';
import { expectSubclassRetryOnResult } from './subclass-result-check';

// While no subclass of a method's class has records of its own, every class's pipeline of that
// method has the same policies, and the success path takes one of them without reading the
// class of `this` (src/core/fast-path/pipeline-cache.ts). Each test counts the reads of
// `constructor` on the prototype the calls go through, and checks what the calls did: the
// policies and the class telemetry names must be the ones of the class the call came through.

/** No wait between attempts, so nothing here sleeps. */
const immediate = { jitter: 'none', initialDelay: 0, budget: false } as const;

/** Counts the reads of `constructor` through `Class`'s prototype (the value stays `Class`). */
function countConstructorReads(Class: Function): { reads: number } {
  const counter = { reads: 0 };
  Object.defineProperty(Class.prototype, 'constructor', {
    configurable: true,
    get() {
      counter.reads += 1;
      return Class;
    },
  });
  return counter;
}

/** The class names `tenacious:retry` gives while `body` runs. */
async function retriedClassNames(body: () => Promise<unknown>): Promise<unknown[]> {
  const names: unknown[] = [];
  const subscriber = (message: unknown) =>
    names.push((message as { className: unknown }).className);
  subscribe('tenacious:retry', subscriber);
  try {
    await body();
  } finally {
    unsubscribe('tenacious:retry', subscriber);
  }
  return names;
}

class Flaky {
  failuresLeft = 0;

  @Retry({ ...immediate, maxAttempts: 3 })
  async call(answer: string): Promise<string> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new HttpError(503);
    }
    return answer;
  }
}

describe('an inherited method whose subclasses declare nothing', () => {
  it('runs its successes without reading the class, and names the class when it retries', async () => {
    class PlainSubclass extends Flaky {}
    const counter = countConstructorReads(PlainSubclass);
    const flaky = new PlainSubclass();
    await expect(flaky.call('first')).resolves.toBe('first');
    const readsAtFirstCall = counter.reads;
    for (let call = 0; call < 5; call++) await expect(flaky.call('again')).resolves.toBe('again');
    expect(counter.reads).toBe(readsAtFirstCall);
    flaky.failuresLeft = 1;
    await expect(retriedClassNames(() => flaky.call('retried'))).resolves.toEqual([
      'PlainSubclass',
    ]);
    expect(counter.reads).toBeGreaterThan(readsAtFirstCall);
  });

  it('keeps the failure of a call whose `constructor` throws once the call has failed', async () => {
    class Base {
      @Retry({ ...immediate, maxAttempts: 2 })
      async call(fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'answer';
      }
    }
    const base = new Base();
    await expect(base.call(false)).resolves.toBe('answer');
    const hostile = Object.create(Base.prototype, {
      constructor: {
        get() {
          throw new Error('constructor read');
        },
      },
    }) as Base;
    await expect(hostile.call(true)).rejects.toBeInstanceOf(HttpError);
    expect(stats(Base.prototype.call)).toMatchObject({ calls: 2, attempts: 3, giveUps: 1 });
  });
});

describe('a subclass with records of its own', () => {
  it('takes its own defaults for inherited methods from then on, and the class is read again', async () => {
    class Base {
      failuresLeft = 0;
      @Retry(immediate)
      async call(): Promise<string> {
        if (this.failuresLeft > 0) {
          this.failuresLeft -= 1;
          throw new HttpError(503);
        }
        return 'answer';
      }
    }
    const base = new Base();
    await expect(base.call()).resolves.toBe('answer');
    const counter = countConstructorReads(Base);
    await expect(base.call()).resolves.toBe('answer');
    expect(counter.reads).toBe(0);

    @RetryDefaults({ maxAttempts: 5 })
    class Patient extends Base {}
    const patient = new Patient();
    patient.failuresLeft = 4;
    await expect(patient.call()).resolves.toBe('answer');
    base.failuresLeft = 4;
    await expect(base.call()).rejects.toBeInstanceOf(HttpError);
    expect(base.failuresLeft).toBe(1);
    const readsBefore = counter.reads;
    base.failuresLeft = 0;
    await expect(base.call()).resolves.toBe('answer');
    expect(counter.reads).toBeGreaterThan(readsBefore);
  });

  it('looks at its first attempts’ values when its defaults say to', async () => {
    await expectSubclassRetryOnResult(Retry, RetryDefaults);
  });

  it('is one with a decorated method of its own, whose class the inherited method reads', async () => {
    class Base {
      @Retry({ ...immediate, maxAttempts: 2 })
      async call(): Promise<string> {
        return 'answer';
      }
    }
    const counter = countConstructorReads(Base);
    await expect(new Base().call()).resolves.toBe('answer');
    const readsBefore = counter.reads;
    class Extended extends Base {
      @Retry({ ...immediate, maxAttempts: 2 })
      async other(): Promise<string> {
        return 'other';
      }
    }
    await expect(new Extended().other()).resolves.toBe('other');
    await expect(new Base().call()).resolves.toBe('answer');
    expect(counter.reads).toBeGreaterThan(readsBefore);
  });
});

describe('a subclass whose only decorators are another library’s', () => {
  it('shares the base class’s policies: its calls read no class on success', async () => {
    // Either mode: legacy decorators get (prototype, key, descriptor), standard ones (method,
    // context); in standard mode the subclass gets a metadata object of its own.
    function logged(...args: unknown[]): void {
      void args;
    }
    class Tagged extends Flaky {
      @logged
      describe(): string {
        return 'tagged';
      }
    }
    const counter = countConstructorReads(Tagged);
    const tagged = new Tagged();
    await expect(tagged.call('first')).resolves.toBe('first');
    const readsAtFirstCall = counter.reads;
    await expect(tagged.call('again')).resolves.toBe('again');
    expect(counter.reads).toBe(readsAtFirstCall);
    tagged.failuresLeft = 1;
    await expect(retriedClassNames(() => tagged.call('retried'))).resolves.toEqual(['Tagged']);
  });
});

describe('a call in flight when its class gets records of its own', () => {
  it('gives its concurrency slot back to the limiter that lent it', async () => {
    class Limited {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 0 })
      @Retry({ ...immediate, maxAttempts: 1 })
      async call(outcome: Promise<string>): Promise<string> {
        return outcome;
      }
    }
    await expect(new Limited().call(Promise.resolve('answer'))).resolves.toBe('answer');
    // Another library's class decorator that uses the class at once (an eager singleton): it
    // runs below ours, so the call starts on the shared pipeline before the class has records.
    let inFlight: Promise<string> | undefined;
    function eager(value: Function, ...rest: unknown[]): void {
      void rest;
      inFlight = new (value as typeof Limited)().call(Promise.reject(new HttpError(503)));
    }
    @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 0 })
    @eager
    class Eager extends Limited {}
    await expect(inFlight).rejects.toBeInstanceOf(HttpError);
    // The base class's slot came back to its limiter...
    await expect(new Limited().call(Promise.resolve('again'))).resolves.toBe('again');
    // ...and the subclass's limiter, which lent it none, got none: it still admits one call.
    let open!: (value: string) => void;
    const holding = new Eager().call(new Promise<string>((resolve) => (open = resolve)));
    await expect(new Eager().call(Promise.resolve('second'))).rejects.toBeInstanceOf(
      ConcurrencyLimitError,
    );
    open('held');
    await expect(holding).resolves.toBe('held');
  });
  it('goes on with the policies it started with when it took no ticket', async () => {
    class Base {
      @Retry({ ...immediate, maxAttempts: 2 })
      async call(outcome: () => Promise<string>): Promise<string> {
        return outcome();
      }
    }
    await expect(new Base().call(() => Promise.resolve('answer'))).resolves.toBe('answer');
    let inFlight: Promise<string> | undefined;
    let fail!: (error: unknown) => void;
    let attempts = 0;
    function eager(value: Function, ...rest: unknown[]): void {
      void rest;
      inFlight = new (value as typeof Base)().call(() => {
        attempts += 1;
        if (attempts > 1) return Promise.resolve('retried');
        return new Promise<string>((_, reject) => (fail = reject));
      });
    }
    // A deadline its lean first attempt never started a clock for: it must not end the call.
    @RetryDefaults({ deadline: 60_000 })
    @eager
    class Eager extends Base {}
    void Eager;
    fail(new HttpError(503));
    await expect(inFlight).resolves.toBe('retried');
  });
});

describe('a class that cannot be resolved once its call has failed', () => {
  it('keeps the call’s failure, and its concurrency slot goes back', async () => {
    class Limited {
      @ConcurrencyLimit({ maxConcurrent: 1, maxQueued: 0 })
      @Retry({ ...immediate, maxAttempts: 1 })
      async call(fail: boolean): Promise<string> {
        if (fail) throw new HttpError(503);
        return 'answer';
      }
    }
    await expect(new Limited().call(false)).resolves.toBe('answer');
    // No records of its own: its calls run on the shared pipeline, and its name is read only
    // when a call record names it.
    class Unnamable extends Limited {}
    Object.defineProperty(Unnamable, 'name', {
      get() {
        throw new Error('name read');
      },
    });
    await expect(new Unnamable().call(true)).rejects.toBeInstanceOf(HttpError);
    await expect(new Limited().call(false)).resolves.toBe('answer');
  });
});

describe('a class that cannot be resolved once sharing has stopped', () => {
  it('keeps the failure of a call that ran on the shared pipeline', async () => {
    class Base {
      @Retry({ ...immediate, maxAttempts: 1 })
      async call(outcome: Promise<string>): Promise<string> {
        return outcome;
      }
    }
    await expect(new Base().call(Promise.resolve('answer'))).resolves.toBe('answer');
    const hostile = Object.create(Base.prototype, {
      constructor: {
        get() {
          throw new Error('constructor read');
        },
      },
    }) as Base;
    let fail!: (error: unknown) => void;
    const inFlight = hostile.call(new Promise<string>((_, reject) => (fail = reject)));
    // A subclass with records stops the sharing while the call is in flight.
    @RetryDefaults({ maxAttempts: 2 })
    class Patient extends Base {}
    void Patient;
    fail(new HttpError(503));
    await expect(inFlight).rejects.toBeInstanceOf(HttpError);
  });
});

describe('a value of someone else’s at the registry of class records', () => {
  const registryKey = Symbol.for('tenacious.class-record-registry');

  /** Loads another copy of the package with `value` at the registry's key, then restores it. */
  function loadCopyWith(value: unknown): typeof import('../../src') {
    const before = Reflect.getOwnPropertyDescriptor(globalThis, registryKey);
    Reflect.defineProperty(globalThis, registryKey, { value, configurable: true });
    let copy: typeof import('../../src') | undefined;
    try {
      jest.isolateModules(() => {
        copy = require('../../src') as typeof import('../../src');
      });
    } finally {
      if (before === undefined) Reflect.deleteProperty(globalThis, registryKey);
      else Reflect.defineProperty(globalThis, registryKey, before);
    }
    return copy!;
  }

  it.each([
    [
      'collections that only look like them',
      {
        classesWithRecordedSubclasses: Object.create(WeakSet.prototype) as unknown,
        stopSharingListeners: Object.create(Set.prototype) as unknown,
      },
    ],
    [
      'a getter that throws',
      {
        get classesWithRecordedSubclasses(): never {
          throw new Error('registry read');
        },
      },
    ],
    [
      'collections whose methods are replaced',
      {
        classesWithRecordedSubclasses: Object.assign(new WeakSet(), { has: () => false }),
        stopSharingListeners: Object.assign(new Set(), {
          [Symbol.iterator]: () => [][Symbol.iterator](),
        }),
      },
    ],
  ])('is not taken for the registry: %s', async (_, value) => {
    const copy = loadCopyWith(value);
    await expectSubclassRetryOnResult(copy.Retry, copy.RetryDefaults);
  });

  it('runs every copy’s listener once, whatever another listener does', async () => {
    const registry = {
      classesWithRecordedSubclasses: new WeakSet<object>(),
      stopSharingListeners: new Set<unknown>(),
    };
    let hostileCalls = 0;
    const hostile = (): void => {
      hostileCalls += 1;
      registry.stopSharingListeners.add(new WeakRef(() => hostile()));
      throw new Error('listener');
    };
    registry.stopSharingListeners.add(new WeakRef(hostile));
    // Entries that are no listener of a copy: a WeakRef to an object, and no WeakRef at all.
    registry.stopSharingListeners.add(new WeakRef({}));
    registry.stopSharingListeners.add('stopSharingOf');
    const copy = loadCopyWith(registry);
    await expectSubclassRetryOnResult(copy.Retry, copy.RetryDefaults);
    expect(hostileCalls).toBeGreaterThan(0);
  });
});

describe('the registry of class records', () => {
  const registryKey = Symbol.for('tenacious.class-record-registry');

  function listenerEntries(): unknown[] {
    const registry = Reflect.get(globalThis, registryKey) as { stopSharingListeners: Set<unknown> };
    return [...registry.stopSharingListeners];
  }

  /** The listeners that a copy still holds (a WeakRef whose target lives, or a function). */
  function liveListenerCount(): number {
    return listenerEntries().filter(
      (entry) => !(entry instanceof WeakRef) || entry.deref() !== undefined,
    ).length;
  }

  it('drops the listeners of the copies that nothing holds any more', async () => {
    await collectGarbage();
    const before = liveListenerCount();
    // Copies that decorated a class each, then lost it.
    for (let load = 0; load < 3; load++) {
      jest.isolateModules(() => {
        const copy = require('../../src') as typeof import('../../src');
        class Decorated {
          @copy.Retry(immediate)
          async call(): Promise<string> {
            return 'answer';
          }
        }
        expect(Decorated).toBeDefined();
      });
    }
    expect(liveListenerCount()).toBe(before + 3);

    await collectGarbage();
    expect(liveListenerCount()).toBe(before);
    // A subclass's new record calls the listeners, and leaves out those of the copies collected.
    @RetryDefaults({ maxAttempts: 2 })
    class Base {}
    @RetryDefaults({ maxAttempts: 3 })
    class Recorded extends Base {}
    expect(Recorded).toBeDefined();
    expect(listenerEntries()).toHaveLength(before);
  });

  it('holds a copy’s listener with the WeakRef it found at load, not one set up later', async () => {
    let copy: typeof import('../../src') | undefined;
    jest.isolateModules(() => {
      copy = require('../../src') as typeof import('../../src');
    });
    const loaded = WeakRef;
    // Set up after the copy loaded, before its first decorated method: no WeakRef at all.
    Reflect.set(
      globalThis,
      'WeakRef',
      class {
        deref(): undefined {
          return undefined;
        }
      },
    );
    try {
      await expectSubclassRetryOnResult(copy!.Retry, copy!.RetryDefaults);
    } finally {
      Reflect.set(globalThis, 'WeakRef', loaded);
    }
  });
});
