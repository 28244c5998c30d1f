import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// What the fast path's cost rests on (src/core/fast-path/README.md), checked in a fresh process
// against the build in dist/ (npm test builds it first), with no timing: V8 inlines the wrapper
// into an optimised caller (it stays under the bytecode size V8 inlines), and a call that succeeds
// allocates nothing per call. The counts in bytes are V8's own (used heap across a batch with no
// GC in it), so the machine's load does not change them.
const root = join(__dirname, '..', '..');

const script = `
  const { retryable } = require('tenacious');
  const plain = retryable(function plainMethod(value) { return value + 1; }, { budget: false });
  const budgeted = retryable(function budgetedMethod(value) { return value + 1; });
  const ticketed = retryable(function ticketedMethod(value) { return value + 1; }, {
    circuitBreaker: {},
  });
  const fallback = retryable(function fallbackMethod(value) { return value + 1; }, {
    fallback: { to: 0 },
  });
  const concurrencyLimited = retryable(function limitedMethod(value) { return value + 1; }, {
    concurrencyLimit: { maxConcurrent: 10 },
  });
  const rateLimited = retryable(function rateLimitedMethod(value) { return value + 1; }, {
    rateLimiter: { limit: 1e12, interval: 1000 },
  });
  // Decorated methods, legacy decorators applied as TypeScript's emit does (the lowest first):
  // a breaker below @Retry installs the ticketed wrapper, and one above it replaces @Retry's.
  require('reflect-metadata'); // as projects with legacy decorators load it
  const { Retry, CircuitBreaker } = require('tenacious');
  function decorate(decorators, prototype, key) {
    let descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    for (let index = decorators.length - 1; index >= 0; index--) {
      descriptor = decorators[index](prototype, key, descriptor) || descriptor;
    }
    Object.defineProperty(prototype, key, descriptor);
  }
  class BreakerBelow {
    method(value) { return value + 1; }
  }
  decorate([Retry({ budget: false }), CircuitBreaker({ consecutiveFailures: 5 })], BreakerBelow.prototype, 'method');
  class BreakerAbove {
    method(value) { return value + 1; }
  }
  decorate([CircuitBreaker({ consecutiveFailures: 5 }), Retry({ budget: false })], BreakerAbove.prototype, 'method');
  // A guard on the class, applied after its methods' decorators as TypeScript's emit does.
  class BreakerOnClass {
    method(value) { return value + 1; }
  }
  decorate([Retry({ budget: false })], BreakerOnClass.prototype, 'method');
  CircuitBreaker({ consecutiveFailures: 5 })(BreakerOnClass);
  const breakerOnClass = new BreakerOnClass();
  // A guard on a base class: known when the subclass's methods are decorated.
  class GuardedBase {}
  CircuitBreaker({ consecutiveFailures: 5 })(GuardedBase);
  class UnderGuardedBase extends GuardedBase {
    method(value) { return value + 1; }
  }
  decorate([Retry({ budget: false })], UnderGuardedBase.prototype, 'method');
  // Async methods, whose success attaches one handler to the method's promise: the guarded one's
  // must cost what the lean one's costs (a breaker in consecutive-failures mode reads no clock).
  const asyncPlain = retryable(async function asyncPlainMethod(value) { return value + 1; }, {
    budget: false,
  });
  const asyncTicketed = retryable(async function asyncTicketedMethod(value) { return value + 1; }, {
    budget: false,
    circuitBreaker: { consecutiveFailures: 5 },
  });
  const asyncConcurrencyLimited = retryable(
    async function asyncLimitedMethod(value) { return value + 1; },
    { budget: false, concurrencyLimit: { maxConcurrent: 1e9 } },
  );
  const breakerBelow = new BreakerBelow();
  const breakerAbove = new BreakerAbove();
  // One loop per method, each its own function literal, so each has its own type feedback.
  function plainLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + plain(index)) | 0;
    return sink;
  }
  function budgetedLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + budgeted(index)) | 0;
    return sink;
  }
  function ticketedLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + ticketed(index)) | 0;
    return sink;
  }
  function fallbackLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + fallback(index)) | 0;
    return sink;
  }
  function concurrencyLimitedLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + concurrencyLimited(index)) | 0;
    return sink;
  }
  function rateLimitedLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + rateLimited(index)) | 0;
    return sink;
  }
  function breakerBelowLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + breakerBelow.method(index)) | 0;
    return sink;
  }
  function breakerAboveLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + breakerAbove.method(index)) | 0;
    return sink;
  }
  function breakerOnClassLoop(calls) {
    let sink = 0;
    for (let index = 0; index < calls; index++) sink = (sink + breakerOnClass.method(index)) | 0;
    return sink;
  }
  // The function each method has, by its literal's name in V8: one " - shared_info:" line each,
  // in this order, before anything is optimised.
  for (const method of [
    plain,
    budgeted,
    fallback,
    ticketed,
    concurrencyLimited,
    rateLimited,
    breakerBelow.method,
    breakerAbove.method,
    breakerOnClass.method,
    UnderGuardedBase.prototype.method,
  ]) {
    %DebugPrint(method);
  }
  const loops = {
    plainLoop,
    budgetedLoop,
    ticketedLoop,
    fallbackLoop,
    concurrencyLimitedLoop,
    rateLimitedLoop,
    breakerBelowLoop,
    breakerAboveLoop,
    breakerOnClassLoop,
  };
  const bytesPerCall = {};
  for (const [name, loop] of Object.entries(loops)) {
    %PrepareFunctionForOptimization(loop);
    loop(20000);
    %OptimizeFunctionOnNextCall(loop);
    loop(20000);
    // Per call: a batch of long calls less one of short ones, so that what a batch costs whatever
    // its length cancels out (the used heap grows by about 144 KB in some batches after a GC, on
    // a busy machine or with --single-threaded, whatever the number of calls). The least of 5
    // pairs: a batch during which V8 compiles something counts its code too.
    const short = 50000;
    const long = 250000;
    const batchBytes = (calls) => {
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      loop(calls);
      return process.memoryUsage().heapUsed - before;
    };
    let least = Infinity;
    for (let pair = 0; pair < 5; pair++) {
      const shortBytes = batchBytes(short);
      least = Math.min(least, (batchBytes(long) - shortBytes) / (long - short));
    }
    bytesPerCall[name] = least;
  }
  // An async call's allocations live until its reaction runs, so a batch keeps them all: its
  // bytes are what its calls allocated, GC or not. The microtask queue is drained between
  // batches, and grown to the longest batch first, so that its growth is not counted.
  const asyncLoops = { asyncPlain, asyncTicketed, asyncConcurrencyLimited };
  const drained = () => new Promise((resolve) => setImmediate(resolve));
  (async () => {
    for (const [name, method] of Object.entries(asyncLoops)) {
      const short = 2000;
      const long = 10000;
      const batchBytes = (calls) => {
        globalThis.gc();
        const before = process.memoryUsage().heapUsed;
        for (let index = 0; index < calls; index++) method(index);
        return process.memoryUsage().heapUsed - before;
      };
      for (let round = 0; round < 20; round++) {
        batchBytes(long);
        await drained();
      }
      // The median of 9 pairs: a batch during which V8 makes something of its own skews one pair
      // either way.
      const pairs = [];
      for (let pair = 0; pair < 9; pair++) {
        const shortBytes = batchBytes(short);
        await drained();
        const longBytes = batchBytes(long);
        await drained();
        pairs.push((longBytes - shortBytes) / (long - short));
      }
      bytesPerCall[name] = pairs.sort((a, b) => a - b)[4];
    }
    console.log('RESULT ' + JSON.stringify(bytesPerCall));
  })();
`;

function runChild(): {
  bytesPerCall: Record<string, number>;
  installed: string[];
  inlinedInto: Record<string, string[]>;
} {
  const { stdout, stderr, status } = spawnSync(
    process.execPath,
    [
      '--allow-natives-syntax',
      '--expose-gc',
      // A young generation that the batches fit in, so no scavenge runs during one.
      '--min-semi-space-size=16',
      '--trace-turbo-inlining',
      '-e',
      script,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  const result = /^RESULT (.*)$/m.exec(stdout);
  expect(result).not.toBeNull();
  // V8's trace: "Inlining 0x... {0x... <SharedFunctionInfo wrapper>} into 0x... {0x...
  // <SharedFunctionInfo plainLoop>}". Per loop, the wrappers inlined into it: `wrapper` (the lean
  // one's literal) or `ticketedWrapper`.
  const inlinedInto: Record<string, string[]> = {};
  for (const match of stdout.matchAll(
    /^Inlining .*<SharedFunctionInfo (wrapper|ticketedWrapper)>} into .*<SharedFunctionInfo (\w+)>/gm,
  )) {
    const wrappers = (inlinedInto[match[2]!] ??= []);
    if (!wrappers.includes(match[1]!)) wrappers.push(match[1]!);
  }
  const installed = [...stdout.matchAll(/^ - shared_info: \S+ <SharedFunctionInfo (\w+)>/gm)].map(
    (match) => match[1]!,
  );
  return {
    bytesPerCall: JSON.parse(result![1]) as Record<string, number>,
    installed,
    inlinedInto,
  };
}

describe('the fast path in an optimised caller', () => {
  const { bytesPerCall, installed, inlinedInto } = runChild();

  it('gives a guarded method the wrapper that runs its ticketed first attempt', () => {
    // Whichever order a breaker and @Retry are stacked in, with a breaker on the class or on a
    // base class, and for `retryable` with a breaker, a concurrency limit or a rate limit.
    expect(installed).toEqual([
      'wrapper', // plain
      'wrapper', // budgeted
      'wrapper', // fallback
      'ticketedWrapper', // breaker
      'ticketedWrapper', // concurrency limit
      'ticketedWrapper', // rate limit
      'ticketedWrapper', // breaker below @Retry
      'ticketedWrapper', // breaker above @Retry
      'ticketedWrapper', // breaker on the class
      'ticketedWrapper', // breaker on a base class
    ]);
  });

  it('has the lean wrapper inlined into the caller, whatever the guarded methods did', () => {
    expect(inlinedInto).toMatchObject({
      plainLoop: ['wrapper'],
      budgetedLoop: ['wrapper'],
      fallbackLoop: ['wrapper'],
    });
    // Every guarded method shares `ticketedWrapper`'s feedback: once V8 has optimised it on its
    // own with several guards' code inlined, a caller may call it rather than inline it (a race
    // with the concurrent compiler). Either way it is never the lean wrapper handing calls on.
    for (const loop of [
      'ticketedLoop',
      'concurrencyLimitedLoop',
      'rateLimitedLoop',
      'breakerBelowLoop',
      'breakerAboveLoop',
      'breakerOnClassLoop',
    ]) {
      expect(inlinedInto[loop] ?? []).not.toContain('wrapper');
    }
  });

  it('allocates nothing per successful call: with only retry lanes, none at all', () => {
    // Zero, but for the odd object V8 makes for itself during a batch.
    expect(bytesPerCall.plainLoop).toBeLessThan(0.5);
  });

  it('allocates nothing per successful call with the budget or a breaker: one clock read per 16 calls', () => {
    // `Date.now()` is a 16-byte heap number, read once per 16 calls by the budget and once per 16
    // successes by a breaker in ratio mode: 1 byte a call each, where any object made per call
    // would be 12 bytes or more.
    expect(bytesPerCall.budgetedLoop).toBeLessThan(2.5);
    expect(bytesPerCall.ticketedLoop).toBeLessThan(3.5);
  });

  it('allocates nothing per successful call with a fallback or a concurrency limit (and the budget)', () => {
    // A fallback needs nothing until the call has failed; a free slot is the call's ticket.
    expect(bytesPerCall.fallbackLoop).toBeLessThan(2.5);
    expect(bytesPerCall.concurrencyLimitedLoop).toBeLessThan(2.5);
  });

  it('allocates one slot per successful async call through a guard beyond what a lean one does', () => {
    // The rejection handler keeps the call's values, and a guarded one its ticket too: 8 bytes in
    // its context. Keeping the ticket once per ticket instead cost 15 to 100 instructions a call
    // (src/core/fast-path/README.md, "Measured"); anything else kept per call would show here.
    expect(bytesPerCall.asyncPlain).toBeGreaterThan(100);
    expect(bytesPerCall.asyncTicketed! - bytesPerCall.asyncPlain!).toBeGreaterThan(6);
    expect(bytesPerCall.asyncTicketed! - bytesPerCall.asyncPlain!).toBeLessThan(10);
    expect(bytesPerCall.asyncConcurrencyLimited! - bytesPerCall.asyncPlain!).toBeLessThan(10);
  });

  it('allocates one clock read per successful call with a rate limiter: its turn is a time', () => {
    // GCRA reads the clock for every unit it grants: a 16-byte heap number, and nothing else.
    expect(bytesPerCall.rateLimitedLoop).toBeLessThan(18.5);
  });
});
