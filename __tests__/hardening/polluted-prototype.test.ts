import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Options, class defaults and header bags are read by own keys only. Each case runs in a fresh
// Node process that pollutes Object.prototype BEFORE it loads the package, then loads the build
// in dist/ (npm test builds it before jest) and prints what happened as JSON.

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

// Shared by every case: the package, a way to apply standard decorators by hand (plain JS has no
// decorator syntax), and failures of known kinds.
const prelude = `
const tenacious = require('tenacious');
const { Retry, RetryOnRateLimit, RetryDefaults, RetryContext, withRetry, retryable, HttpError } = tenacious;
function decorated(method, methodDecorators, classDecorators = []) {
  const metadata = Object.create(null);
  let fn = method;
  for (const decorator of methodDecorators) {
    fn = decorator(fn, { kind: 'method', name: 'call', static: false, private: false, metadata, addInitializer() {} }) ?? fn;
  }
  class Service {}
  Service.prototype.call = fn;
  Object.defineProperty(Service, Symbol.metadata, { value: metadata });
  for (const decorator of classDecorators) {
    decorator(Service, { kind: 'class', name: 'Service', metadata, addInitializer() {} });
  }
  return new Service();
}
const withStatus = (status) => Object.assign(new Error('HTTP ' + status), { status });
const fast = { initialDelay: 0, maxDelay: 0 };
async function attemptsOf(makeCall, error) {
  let attempts = 0;
  const call = makeCall(() => { attempts += 1; throw error(); });
  try { await call(); } catch {}
  return attempts;
}
/** Attempts under each way of applying options: withRetry, retryable, @Retry, @RetryDefaults, RetryContext. */
async function attemptsEverywhere(options, error) {
  const result = {};
  result.withRetry = await attemptsOf((fn) => () => withRetry(fn, options), error);
  result.retryable = await attemptsOf((fn) => retryable(async () => fn(), options), error);
  result.retry = await attemptsOf((fn) => { const s = decorated(async () => fn(), [Retry(options)]); return () => s.call(); }, error);
  result.retryDefaults = await attemptsOf((fn) => { const s = decorated(async () => fn(), [Retry()], [RetryDefaults(options)]); return () => s.call(); }, error);
  let contextAttempts = 0;
  const context = new RetryContext(options);
  try {
    for await (const attempt of context) {
      contextAttempts = attempt;
      try { throw error(); } catch (caught) { context.recordFailure(caught); }
    }
  } catch {} // the last error is rethrown when retries run out
  result.retryContext = contextAttempts;
  return result;
}
async function delaysOf(options, error) {
  const delays = [];
  try {
    await withRetry(() => { throw error(); }, { ...options, onRetry: (_e, _a, delay) => delays.push(delay) });
  } catch {}
  return delays;
}
`;

async function runCase(pollution: string, scenario: string): Promise<unknown> {
  const script = `${pollution}\n${prelude}\n(async () => { const result = await (async () => { ${scenario} })(); process.stdout.write(JSON.stringify(result)); })().catch((error) => { process.stdout.write(JSON.stringify({ crashed: String(error && error.stack || error) })); });`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    timeout: 20_000,
  });
  return JSON.parse(stdout) as unknown;
}

const three = { withRetry: 3, retryable: 3, retry: 3, retryDefaults: 3, retryContext: 3 };
const one = { withRetry: 1, retryable: 1, retry: 1, retryDefaults: 1, retryContext: 1 };

describe('a polluted Object.prototype changes nothing (one child process per case)', () => {
  it.each([
    [
      'maxAttempts = 1000',
      'Object.prototype.maxAttempts = 1000;',
      'return attemptsEverywhere(fast, () => withStatus(503));',
      three,
    ],
    [
      'retryOn = () => true',
      'Object.prototype.retryOn = () => true;',
      'return attemptsEverywhere(fast, () => withStatus(400));',
      one,
    ],
    [
      'retryCategories = [non_retryable]',
      "Object.prototype.retryCategories = ['non_retryable'];",
      'return attemptsEverywhere(fast, () => withStatus(400));',
      one,
    ],
    [
      'idempotent = false',
      'Object.prototype.idempotent = false;',
      'return attemptsEverywhere(fast, () => withStatus(500));',
      three,
    ],
    [
      'deadline = 1 (with a 5 ms delay)',
      'Object.prototype.deadline = 1;',
      "return attemptsEverywhere({ initialDelay: 5, maxDelay: 5, jitter: 'none' }, () => withStatus(503));",
      three,
    ],
    [
      'classifier = () => non_retryable',
      "Object.prototype.classifier = () => 'non_retryable';",
      'return attemptsEverywhere(fast, () => withStatus(503));',
      three,
    ],
    [
      'signal = an aborted signal',
      // process.stdout is made first: Node's own Socket would otherwise take the signal.
      'void process.stdout; Object.prototype.signal = AbortSignal.abort();',
      'return attemptsEverywhere(fast, () => withStatus(503));',
      three,
    ],
    [
      'rateLimit = a lane of 1000 attempts',
      'Object.prototype.rateLimit = { maxAttempts: 1000, initialDelay: 0, maxDelay: 0 };',
      'return attemptsEverywhere(fast, () => withStatus(429));',
      three,
    ],
    [
      'rateLimitErrors = [Error]',
      'Object.prototype.rateLimitErrors = [Error];',
      "return attemptsOf((fn) => () => withRetry(fn, { retryOn: () => false, rateLimit: { initialDelay: 0, maxDelay: 0 } }), () => new Error('plain'));",
      1,
    ],
    [
      'status = 503 (read from errors)',
      'Object.prototype.status = 503;',
      "return attemptsEverywhere(fast, () => new Error('plain'));",
      one,
    ],
    [
      'onRetry and onGiveUp',
      'Object.prototype.onRetry = function () { globalThis.hooked = (globalThis.hooked ?? 0) + 1; }; Object.prototype.onGiveUp = Object.prototype.onRetry;',
      'await attemptsEverywhere(fast, () => withStatus(503)); return globalThis.hooked ?? 0;',
      0,
    ],
    [
      'onSuccess and retryOnResult',
      'Object.prototype.retryOnResult = () => true; Object.prototype.onSuccess = () => { throw new Error("inherited onSuccess"); };',
      'let calls = 0; const value = await withRetry(() => { calls += 1; return 7; }, fast); return { calls, value };',
      { calls: 1, value: 7 },
    ],
    [
      'initialDelay, jitter, exponentialBase, respectRetryAfter',
      "Object.assign(Object.prototype, { initialDelay: 7, jitter: 'none', exponentialBase: 10, respectRetryAfter: false, random: () => 0 });",
      "return delaysOf({ maxAttempts: 3, maxDelay: 20, random: () => 0.5 }, () => new HttpError(503, { 'retry-after': '0.001' }));",
      [10, 10],
    ],
    [
      'circuitBreaker = open at the first failure (with another policy setting given)',
      'Object.prototype.circuitBreaker = { consecutiveFailures: 1 };',
      'return attemptsEverywhere({ ...fast, budget: false }, () => withStatus(503));',
      three,
    ],
    [
      'delays = [3600000]',
      'Object.prototype.delays = [3600000];',
      "return delaysOf({ maxAttempts: 2, initialDelay: 7, jitter: 'none' }, () => withStatus(503));",
      [7],
    ],
    [
      'maxDelay = 1',
      'Object.prototype.maxDelay = 1;',
      "return delaysOf({ maxAttempts: 2, initialDelay: 7, jitter: 'none' }, () => withStatus(503));",
      [7],
    ],
    [
      "retry-after = '3600' (HttpError and plain header bags)",
      "Object.prototype['retry-after'] = '3600'; Object.prototype['retry-after-ms'] = '3600000'; Object.prototype['x-amz-retry-after'] = '3600000';",
      "const options = { maxAttempts: 2, initialDelay: 1, maxDelay: 50, jitter: 'none' }; return [await delaysOf(options, () => new HttpError(503)), await delaysOf(options, () => Object.assign(withStatus(503), { headers: {} })), await delaysOf(options, () => Object.assign(withStatus(503), { response: { headers: {} } }))];",
      [[1], [1], [1]],
    ],
    [
      'headers = a bag asking for an hour',
      "Object.prototype.headers = { 'retry-after': '3600' };",
      "return delaysOf({ maxAttempts: 2, initialDelay: 1, maxDelay: 50, jitter: 'none' }, () => withStatus(503));",
      [1],
    ],
    [
      "get = a header getter asking for an hour (set after loading: before, it breaks every property descriptor, Node's own included)",
      '',
      "Object.prototype.get = () => '3600'; try { return await delaysOf({ maxAttempts: 2, initialDelay: 1, maxDelay: 50, jitter: 'none' }, () => Object.assign(withStatus(503), { headers: { other: 'x' } })); } finally { delete Object.prototype.get; }",
      [1],
    ],
    [
      'client = a fake Bedrock client (ResilientBedrock options)',
      'Object.prototype.client = { send() { return "fake"; }, config: {} };',
      "const { ResilientBedrock } = require('tenacious/bedrock'); const bedrock = new ResilientBedrock({ clientConfig: { region: 'us-east-1' } }); return typeof bedrock.client.send === 'function' && bedrock.client !== Object.prototype.client;",
      true,
    ],
  ])('%s', async (_name, pollution, scenario, expected) => {
    expect(await runCase(pollution, scenario)).toEqual(expected);
  });
});
