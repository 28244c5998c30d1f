import { join } from 'node:path';
import ts from 'typescript';
import { ErrorCategory } from '../../src';
import { rateLimitDefaults, retryDefaults } from '../../src/policy/defaults';
import { circuitBreakerDefaults } from '../../src/policies/circuit-breaker/options';
import { retryBudgetDefaults } from '../../src/policies/retry-budget/options';

// Every option is documented in the types with its default (`@default`, shown by editors as
// p-retry's are), and the documented default is the one the code applies.
const sourceFile = (path: string) => join(__dirname, '../../src', path);
const optionFiles = {
  retry: sourceFile('policy/options.ts'),
  circuitBreaker: sourceFile('policies/circuit-breaker/options.ts'),
  retryBudget: sourceFile('policies/retry-budget/options.ts'),
  rateLimiter: sourceFile('policies/rate-limit/options.ts'),
  concurrencyLimiter: sourceFile('policies/concurrency-limit/options.ts'),
  hedge: sourceFile('policies/hedge/options.ts'),
  fallback: sourceFile('policies/fallback/options.ts'),
  redisConnection: sourceFile('integrations/redis/options.ts'),
  redisBreaker: sourceFile('integrations/redis/redis-breaker.ts'),
  bedrock: sourceFile('bedrock.ts'),
  telemetry: sourceFile('opentelemetry.ts'),
};
const program = ts.createProgram(Object.values(optionFiles), {
  strict: true,
  noEmit: true,
  types: [],
});
const checker = program.getTypeChecker();

/** Each option declared by the interface itself, with the text of its `@default` tags. */
function documentedDefaults(
  file: string,
  interfaceName: string,
  { inherited = true } = {},
): Map<string, string[]> {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const symbol = checker
    .getExportsOfModule(moduleSymbol)
    .find((each) => each.name === interfaceName);
  if (symbol === undefined) throw new Error(`${interfaceName} is not exported from ${file}`);
  const defaults = new Map<string, string[]>();
  for (const property of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
    const declaredHere = property.declarations?.some(
      (declaration) => declaration.parent === symbol.declarations?.[0],
    );
    if (!inherited && !declaredHere) continue;
    const tags = property
      .getJsDocTags(checker)
      .filter((tag) => tag.name === 'default')
      .map((tag) => ts.displayPartsToString(tag.text));
    defaults.set(property.name, tags);
  }
  return defaults;
}

/** How a default value is written in a `@default` tag. */
function written(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const names = new Map(
      Object.entries(ErrorCategory).map(([name, category]) => [category, name]),
    );
    return `[${value.map((category: ErrorCategory) => `ErrorCategory.${names.get(category)}`).join(', ')}]`;
  }
  return String(value);
}

describe.each([
  ['RetryOptions', retryDefaults],
  ['RateLimitOptions', rateLimitDefaults],
  ['RetryDefaultsOptions', retryDefaults],
])('%s', (interfaceName, codeDefaults) => {
  const defaults = documentedDefaults(optionFiles.retry, interfaceName);

  it('has options', () => {
    expect(defaults.size).toBeGreaterThan(10);
  });

  it('gives every option one @default tag', () => {
    const withoutOne = [...defaults].filter(([, tags]) => tags.length !== 1).map(([name]) => name);
    expect(withoutOne).toEqual([]);
  });

  it('documents the defaults the code applies', () => {
    for (const [name, value] of Object.entries(codeDefaults)) {
      expect([name, defaults.get(name)]).toEqual([name, [written(value)]]);
    }
  });
});

const { breakDurationExponentialBase, ...breakerOptionDefaults } = circuitBreakerDefaults;

// The policies' options: every option that has a default documents it, and the defaults the
// validators apply are the documented ones. Required options (a rate limiter's `limit`) have none.
describe.each<[string, string, readonly string[], object]>([
  ['CircuitBreakerOptions', optionFiles.circuitBreaker, [], breakerOptionDefaults],
  [
    'BreakDurationBackoff',
    optionFiles.circuitBreaker,
    ['initial', 'max'],
    { exponentialBase: breakDurationExponentialBase },
  ],
  ['RetryBudgetOptions', optionFiles.retryBudget, [], retryBudgetDefaults],
  ['RateLimiterOptions', optionFiles.rateLimiter, ['limit', 'interval'], { adaptive: false }],
  [
    'ConcurrencyLimiterOptions',
    optionFiles.concurrencyLimiter,
    ['maxConcurrent'],
    { maxQueued: 0 },
  ],
  ['HedgeOptions', optionFiles.hedge, ['delay'], { maxHedges: 1 }],
  ['FallbackOptions', optionFiles.fallback, [], {}],
  ['RedisConnectionOptions', optionFiles.redisConnection, ['client', 'key'], { redisTimeout: 50 }],
  ['RedisBreakerOptions', optionFiles.redisBreaker, [], { quorum: 1 }],
  ['ResilientBedrockOptions', optionFiles.bedrock, [], {}],
  ['TenaciousInstrumentationOptions', optionFiles.telemetry, ['tracerProvider'], {}],
])('%s', (interfaceName, file, withoutDefault, codeDefaults) => {
  const defaults = documentedDefaults(file, interfaceName, { inherited: false });

  it('gives every option with a default one @default tag', () => {
    const options = [...defaults.keys()].filter((name) => !withoutDefault.includes(name));
    expect(options.length).toBeGreaterThan(0);
    const withoutOne = options.filter((name) => defaults.get(name)!.length !== 1);
    expect(withoutOne).toEqual([]);
  });

  it('documents the defaults the code applies', () => {
    for (const [name, value] of Object.entries(codeDefaults)) {
      expect([name, defaults.get(name)]).toEqual([name, [written(value)]]);
    }
  });
});
