import { Breaker, ErrorCategory } from '../../../src';
import type { BreakerSnapshot } from '../../../src';

// A huge sparse array given as `initialState.keys` or `failureOn` is refused at its first hole,
// naming the option, without being copied whole first.

const start = 1_800_000_000_000;

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

function closedSnapshot(overrides: Partial<Record<keyof BreakerSnapshot, unknown>>): unknown {
  return {
    version: 1,
    isolated: false,
    state: 'closed',
    opens: 0,
    breakEndsAt: null,
    consecutiveFailures: 0,
    calls: 0,
    failures: 0,
    slowCalls: 0,
    window: [],
    keys: [],
    ...overrides,
  };
}

describe('hostile initialState and options', () => {
  it('refuses a sparse keys array of huge length at once, naming the item', () => {
    const keys: unknown[] = [];
    keys.length = 2 ** 32 - 1;
    const begun = process.hrtime.bigint();
    expect(() => new Breaker({ initialState: closedSnapshot({ keys }) as never })).toThrow(
      /initialState\.keys\[0\]/,
    );
    expect(process.hrtime.bigint() - begun).toBeLessThan(1_000_000_000n);
  });

  it('refuses a sparse failureOn array of huge length at once', () => {
    const failureOn: ErrorCategory[] = [];
    failureOn.length = 2 ** 32 - 1;
    const begun = process.hrtime.bigint();
    expect(() => new Breaker({ failureOn })).toThrow(/failureOn/);
    expect(process.hrtime.bigint() - begun).toBeLessThan(1_000_000_000n);
  });
});
