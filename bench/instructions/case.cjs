// One case of bench/instructions/run.mjs: calls one decorated `value + 1` method `calls` times
// from one call site (awaited for async), so that callgrind's instruction count of a run, less
// that of a shorter run, is what the calls cost. Usage: node case.cjs CASE sync|async CALLS.
// It loads the bench's legacy build of src (bench/.build/legacy, made by `npm run bench` or
// `npx tsc -b bench/tsconfig.legacy.json`) and applies the decorators as TypeScript's
// `experimentalDecorators` emit does.
'use strict';
const path = require('node:path');
const diagnosticsChannel = require('node:diagnostics_channel');
require('reflect-metadata'); // as projects with legacy decorators load it

// INSTRUCTIONS_BUILD: another build's directory (to count a before and an after side by side).
const build = process.env.INSTRUCTIONS_BUILD ?? path.join(__dirname, '..', '.build');
const tenacious = require(path.join(build, 'legacy', 'src', 'index.js'));

const [caseName, kind, callsText] = process.argv.slice(2);
const calls = Number(callsText);

const retryOptions = {
  maxAttempts: 3,
  initialDelay: 100,
  maxDelay: 1000,
  exponentialBase: 2,
  jitter: 'full',
  retryOn: () => true,
};

function decorate(decorators, prototype, key) {
  let descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  for (let index = decorators.length - 1; index >= 0; index--) {
    descriptor = decorators[index](prototype, key, descriptor) || descriptor;
  }
  Object.defineProperty(prototype, key, descriptor);
}

// The simplest correct wrapper that can retry (bench/cases/hand-written-wrapper.ts), as a legacy
// decorator.
function handWritten(_prototype, _key, descriptor) {
  const method = descriptor.value;
  descriptor.value =
    kind === 'async'
      ? function (...args) {
          const self = this;
          let attempt = 1;
          const retryAfter = (error) => {
            if (attempt >= 3) throw error;
            attempt += 1;
            return new Promise((resolve) => setTimeout(resolve, Math.random() * 100)).then(() =>
              method.apply(self, args).then(undefined, retryAfter),
            );
          };
          return method.apply(this, args).then(undefined, retryAfter);
        }
      : function (...args) {
          for (let attempt = 1; ; attempt++) {
            try {
              return method.apply(this, args);
            } catch (error) {
              if (attempt >= 3) throw error;
            }
          }
        };
  return descriptor;
}

const subscribe = () => {
  for (const name of ['retry', 'give-up', 'success', 'circuit-state', 'budget-exhausted']) {
    diagnosticsChannel.subscribe(`tenacious:${name}`, () => {});
  }
};

const decoratorsByCase = {
  direct: () => [],
  'hand-written': () => [handWritten],
  lean: () => [tenacious.Retry({ ...retryOptions, budget: false })],
  'lean subscribed': () => {
    subscribe();
    return [tenacious.Retry({ ...retryOptions, budget: false })];
  },
  budget: () => [tenacious.Retry(retryOptions)],
  'breaker ratio': () => [tenacious.Retry(retryOptions), tenacious.CircuitBreaker()],
  'breaker consecutive': () => [
    tenacious.Retry(retryOptions),
    tenacious.CircuitBreaker({ consecutiveFailures: 5 }),
  ],
  // Reads no clock at all on a success: repeats to the instruction, to compare two builds.
  'breaker consecutive unbudgeted': () => [
    tenacious.Retry({ ...retryOptions, budget: false }),
    tenacious.CircuitBreaker({ consecutiveFailures: 5 }),
  ],
  // The call-level policies with the retry lanes, as the bench's policies group has them alone.
  fallback: () => [tenacious.Fallback(-1), tenacious.Retry({ ...retryOptions, budget: false })],
  'concurrency limit': () => [
    tenacious.Retry({ ...retryOptions, budget: false }),
    tenacious.ConcurrencyLimit({ maxConcurrent: 1000 }),
  ],
  'rate limit': () => [
    tenacious.Retry({ ...retryOptions, budget: false }),
    tenacious.RateLimit({ limit: 1e9, interval: 1000 }),
  ],
  // Async only (a synchronous method is refused): a timer, an AbortController and an
  // AsyncLocalStorage frame per call, the limit and the delay far longer than a call.
  timeout: () => [tenacious.Retry({ ...retryOptions, budget: false }), tenacious.Timeout(10_000)],
  hedge: () => [
    tenacious.Retry({ ...retryOptions, budget: false }),
    tenacious.Hedge({ delay: 10_000 }),
  ],
};

const decorators = decoratorsByCase[caseName];
const asyncOnly = caseName === 'timeout' || caseName === 'hedge';
if (
  decorators === undefined ||
  (kind !== 'sync' && kind !== 'async') ||
  (asyncOnly && kind === 'sync') ||
  !(calls >= 0)
) {
  console.error(`usage: case.cjs ${Object.keys(decoratorsByCase).join('|')} sync|async CALLS`);
  process.exit(2);
}

class SyncService {
  method(value) {
    return value + 1;
  }
}
class AsyncService {
  async method(value) {
    return value + 1;
  }
}
const Service = kind === 'async' ? AsyncService : SyncService;
decorate(decorators(), Service.prototype, 'method');
const target = new Service();

function runSync() {
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + target.method(index)) | 0;
  return sink;
}

async function runAsync() {
  let sink = 0;
  for (let index = 0; index < calls; index++) sink = (sink + (await target.method(index))) | 0;
  return sink;
}

Promise.resolve(kind === 'async' ? runAsync() : runSync()).then((sink) => {
  let expected = 0;
  for (let index = 0; index < calls; index++) expected = (expected + index + 1) | 0;
  if (sink !== expected) throw new Error(`${caseName}: wrong results`);
});
