import { PipelineCache } from '../../src/core/fast-path/pipeline-cache';
import { compilePipeline, type Pipeline } from '../../src/core/pipeline';
import { createRetryPolicy } from '../../src/policy/retry-policy';

// A retrying function's pipeline is compiled per class of `this` and kept per class
// (src/core/fast-path/pipeline-cache.ts): the first two classes in fields, others in a map.

class Base {}
class Derived extends Base {}
class Third extends Base {}
class Fourth extends Base {}

/** A cache whose pipelines are made per class on demand, recording each class it resolves. */
function recordingCache() {
  const resolved: unknown[] = [];
  const pipelines = new Map<unknown, Pipeline>();
  const cache = new PipelineCache((runtimeClass) => {
    resolved.push(runtimeClass);
    const pipeline = compilePipeline(
      createRetryPolicy({ retry: [{ maxAttempts: resolved.length + 1 }] }),
    );
    pipelines.set(runtimeClass, pipeline);
    return pipeline;
  });
  return { cache, resolved, pipelines };
}

describe('PipelineCache', () => {
  it('resolves the pipeline at the first call, once, while one class calls', () => {
    const { cache, resolved, pipelines } = recordingCache();
    const receiver = new Base();
    const first = cache.pipelineFor(receiver);
    expect(cache.pipelineFor(receiver)).toBe(first);
    expect(cache.pipelineFor(new Base())).toBe(first);
    expect(resolved).toEqual([Base]);
    expect(first).toBe(pipelines.get(Base));
  });

  it('gives each class its own pipeline, and resolves each class once however calls alternate', () => {
    const { cache, resolved, pipelines } = recordingCache();
    for (let round = 0; round < 3; round++) {
      for (const Class of [Base, Derived, Third, Fourth]) {
        expect(cache.pipelineFor(new Class())).toBe(pipelines.get(Class));
      }
    }
    expect(resolved).toEqual([Base, Derived, Third, Fourth]);
  });

  it('takes a static method’s `this`, the class, for its class', () => {
    const { cache, resolved } = recordingCache();
    cache.pipelineFor(Derived);
    expect(resolved).toEqual([Derived]);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
  ])(
    'resolves a pipeline for a call without a receiver (%s), as the first call',
    (_name, thisArg) => {
      const { cache, resolved } = recordingCache();
      const pipeline = cache.pipelineFor(thisArg);
      expect(cache.pipelineFor(undefined)).toBe(pipeline);
      expect(resolved).toEqual([undefined]);
    },
  );

  it('keeps nothing when resolving throws, so the next call resolves again', () => {
    const failure = new TypeError('bad class defaults');
    let calls = 0;
    const pipeline = compilePipeline(createRetryPolicy({ retry: [{}] }));
    const cache = new PipelineCache(() => {
      calls += 1;
      if (calls === 1) throw failure;
      return pipeline;
    });
    expect(() => cache.pipelineFor(new Base())).toThrow(failure);
    expect(cache.pipelineFor(new Base())).toBe(pipeline);
    expect(calls).toBe(2);
  });
});

describe('PipelineCache with a shared pipeline', () => {
  /** A receiver whose `constructor` reads are counted, or throw. */
  function receiver(read: () => unknown) {
    const counter = { reads: 0 };
    const thisArg = {
      get constructor() {
        counter.reads += 1;
        return read();
      },
    };
    return { thisArg, counter };
  }

  it('gives the success path the shared pipeline without reading the class', () => {
    const { cache, pipelines } = recordingCache();
    const shared = cache.pipelineFor(new Base());
    cache.share(shared);
    const { thisArg, counter } = receiver(() => Derived);
    expect(cache.policiesFor(thisArg)).toBe(shared);
    expect(counter.reads).toBe(0);
    // A call record still gets the pipeline that names the call's class.
    expect(cache.pipelineFor(thisArg)).toBe(pipelines.get(Derived));
    expect(counter.reads).toBe(1);
  });

  it('keeps the first pipeline shared, and reads the class again once sharing stops', () => {
    const { cache, pipelines } = recordingCache();
    const first = cache.pipelineFor(new Base());
    cache.share(first);
    cache.share(cache.pipelineFor(new Derived()));
    expect(cache.policiesFor(new Derived())).toBe(first);
    cache.stopSharing();
    const { thisArg, counter } = receiver(() => Derived);
    expect(cache.policiesFor(thisArg)).toBe(pipelines.get(Derived));
    expect(counter.reads).toBe(1);
  });

  it('answers a call record with the shared pipeline when the class cannot be read', () => {
    const { cache } = recordingCache();
    const shared = cache.pipelineFor(new Base());
    const failure = new Error('constructor read');
    const { thisArg } = receiver(() => {
      throw failure;
    });
    expect(() => cache.pipelineAfterAttempt(thisArg)).toThrow(failure);
    cache.share(shared);
    expect(cache.pipelineAfterAttempt(thisArg)).toBe(shared);
    expect(() => cache.pipelineFor(thisArg)).toThrow(failure);
  });
});
