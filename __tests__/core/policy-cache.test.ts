import { PolicyCache } from '../../src/core/policy-cache';
import { createRetryPolicy, type RetryPolicy } from '../../src/policy/retry-policy';

// A retrying function's policy is resolved per class of `this` and remembered for the class of
// the last call (src/core/policy-cache.ts).

class Base {}
class Derived extends Base {}

/** A cache whose policies are made per class on demand, recording each class it resolves. */
function recordingCache() {
  const resolved: unknown[] = [];
  const policies = new Map<unknown, RetryPolicy>();
  const cache = new PolicyCache((runtimeClass) => {
    resolved.push(runtimeClass);
    const policy = createRetryPolicy({ retry: [{ maxAttempts: resolved.length + 1 }] });
    policies.set(runtimeClass, policy);
    return policy;
  });
  return { cache, resolved, policies };
}

describe('PolicyCache', () => {
  it('resolves the policy at the first call, once, while one class calls', () => {
    const { cache, resolved, policies } = recordingCache();
    const receiver = new Base();
    const first = cache.policyFor(receiver);
    expect(cache.policyFor(receiver)).toBe(first);
    expect(cache.policyFor(new Base())).toBe(first);
    expect(resolved).toEqual([Base]);
    expect(first).toBe(policies.get(Base));
  });

  it('resolves again when another class calls, and gives each class its own policy', () => {
    const { cache, resolved, policies } = recordingCache();
    expect(cache.policyFor(new Base())).toBe(policies.get(Base));
    expect(cache.policyFor(new Derived())).toBe(policies.get(Derived));
    expect(cache.remembered).toEqual({ runtimeClass: Derived, policy: policies.get(Derived) });
    expect(resolved).toEqual([Base, Derived]);
  });

  it('takes a static method’s `this`, the class, for its class', () => {
    const { cache, resolved } = recordingCache();
    cache.policyFor(Derived);
    expect(resolved).toEqual([Derived]);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
  ])(
    'resolves a policy for a call without a receiver (%s), as the first call',
    (_name, thisArg) => {
      const { cache, resolved } = recordingCache();
      const policy = cache.policyFor(thisArg);
      expect(cache.policyFor(undefined)).toBe(policy);
      expect(resolved).toEqual([undefined]);
    },
  );

  it('remembers nothing when resolving throws, so the next call resolves again', () => {
    const failure = new TypeError('bad class defaults');
    let calls = 0;
    const policy = createRetryPolicy({ retry: [{}] });
    const cache = new PolicyCache(() => {
      calls += 1;
      if (calls === 1) throw failure;
      return policy;
    });
    expect(() => cache.policyFor(new Base())).toThrow(failure);
    expect(cache.remembered).toBeUndefined();
    expect(cache.policyFor(new Base())).toBe(policy);
    expect(calls).toBe(2);
  });

  it('remembers nothing before the first call', () => {
    const { cache } = recordingCache();
    expect(cache.remembered).toBeUndefined();
    expect(Object.keys(cache)).not.toContain('remembered');
  });
});
