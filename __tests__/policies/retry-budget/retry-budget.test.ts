import { RetryBudget, type RetryBudgetOptions } from '../../../src';
import { isRetryBudget } from '../../../src/policies/retry-budget/retry-budget';
import { validateRetryBudgetOptions } from '../../../src/policies/retry-budget/options';
import { statisticsKey } from '../../../src/telemetry/statistics';

const start = 1_800_000_000_000; // a multiple of the bucket widths used here

beforeEach(() => {
  jest.useFakeTimers({ now: start });
});
afterEach(() => {
  jest.useRealTimers();
});

function calls(budget: RetryBudget, count: number): void {
  for (let index = 0; index < count; index += 1) budget.recordCall();
}

/** Asks for retries until one is refused; returns how many were granted. */
function retriesGranted(budget: RetryBudget, limit = 100_000): number {
  let granted = 0;
  while (granted < limit && budget.tryRetry()) granted += 1;
  return granted;
}

describe('RetryBudget arithmetic', () => {
  it('100 calls at ratio 0.1 + 10 per second over 10 s allow exactly 110 retries', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 10, window: 10_000 });
    calls(budget, 100);
    expect(retriesGranted(budget)).toBe(110);
    expect(budget.tryRetry()).toBe(false);
    expect(budget.retriesInWindow).toBe(110); // refusals are not counted
    expect(budget.callsInWindow).toBe(100);
  });

  it('has the contract defaults: ratio 0.1, minPerSecond 10, window 10000', () => {
    const budget = new RetryBudget();
    expect(budget.options).toEqual({ ratio: 0.1, minPerSecond: 10, window: 10_000 });
    calls(budget, 100);
    expect(retriesGranted(budget)).toBe(110);
  });

  it('each call earns its share as it comes', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 0 });
    expect(budget.tryRetry()).toBe(false); // 0 retries, allowance 0
    calls(budget, 9);
    expect(budget.tryRetry()).toBe(true); // 0 < 0.9
    expect(budget.tryRetry()).toBe(false); // 1 < 0.9: no
    calls(budget, 10);
    expect(budget.tryRetry()).toBe(true); // 1 < 1.9
    expect(budget.tryRetry()).toBe(false);
  });

  it.each<[number, number, number]>([
    // [calls, ratio, retries allowed]: the allowance is exact where the product of doubles is not
    [30, 0.1, 3], // 0.1 * 30 = 3.0000000000000004
    [10, 0.1, 1],
    [9, 0.1, 1], // 0.9: one retry while 0 < 0.9
    [70, 0.1, 7], // 0.1 * 70 = 7.000000000000001
    [3, 0.7, 3], // 2.0999999999999996: three retries (0, 1, 2 < 2.1)
    [100, 0.07, 7], // 7.000000000000001
    [0, 0.5, 0],
  ])('%i calls at ratio %d allow exactly %i retries', (callCount, ratio, allowed) => {
    const budget = new RetryBudget({ ratio, minPerSecond: 0 });
    calls(budget, callCount);
    expect(retriesGranted(budget)).toBe(allowed);
  });

  it('the flat allowance is minPerSecond x window / 1000, usable at once in a burst', () => {
    expect(retriesGranted(new RetryBudget({ ratio: 0, minPerSecond: 2.5, window: 4_000 }))).toBe(
      10,
    );
    expect(retriesGranted(new RetryBudget({ ratio: 0, minPerSecond: 0.5, window: 3_000 }))).toBe(
      2, // 1.5: retries 0 and 1
    );
    expect(retriesGranted(new RetryBudget({ ratio: 0, minPerSecond: 0 }))).toBe(0);
  });

  it('refuses, then allows again as the window slides past the retries', () => {
    const budget = new RetryBudget({ ratio: 0.1, minPerSecond: 10, window: 10_000 });
    calls(budget, 100); // t = 0
    expect(budget.callsInWindow).toBe(100); // a clock read: the pending calls are stamped t = 0
    jest.advanceTimersByTime(5_000);
    expect(retriesGranted(budget)).toBe(110); // t = 5000
    jest.advanceTimersByTime(4_999); // t = 9999: the calls still count
    expect(budget.callsInWindow).toBe(100);
    expect(budget.tryRetry()).toBe(false);
    jest.advanceTimersByTime(1); // t = 10000: the calls' bucket has left the window
    expect(budget.callsInWindow).toBe(0);
    expect(budget.retriesInWindow).toBe(110);
    expect(budget.tryRetry()).toBe(false); // 110 retries, allowance 100
    jest.advanceTimersByTime(4_999); // t = 14999
    expect(budget.tryRetry()).toBe(false);
    jest.advanceTimersByTime(1); // t = 15000: the retries have left too
    expect(budget.retriesInWindow).toBe(0);
    expect(retriesGranted(budget)).toBe(100);
  });

  it('counts each event for more than 9/10 of the window and at most all of it', () => {
    const budget = new RetryBudget({ window: 10_000 });
    jest.advanceTimersByTime(999); // the last ms of the bucket [0, 1000)
    budget.recordCall();
    expect(budget.callsInWindow).toBe(1); // stamped now, at t = 999
    jest.advanceTimersByTime(9_000); // t = 9999
    expect(budget.callsInWindow).toBe(1);
    jest.advanceTimersByTime(1); // t = 10000: 9001 ms after the event
    expect(budget.callsInWindow).toBe(0);

    budget.recordCall(); // t = 10000, the first ms of its bucket
    expect(budget.callsInWindow).toBe(1);
    jest.advanceTimersByTime(9_999);
    expect(budget.callsInWindow).toBe(1);
    jest.advanceTimersByTime(1); // exactly the window later
    expect(budget.callsInWindow).toBe(0);
  });

  it('a bucket reused after a gap longer than the window starts from zero', () => {
    const budget = new RetryBudget({ window: 1_000 });
    calls(budget, 5);
    expect(budget.callsInWindow).toBe(5);
    jest.advanceTimersByTime(25_000); // same slot of the ring, 25 windows later
    budget.recordCall();
    expect(budget.callsInWindow).toBe(1);
  });

  it('sums the buckets of the window: calls spread over it all count', () => {
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, window: 10_000 });
    for (let second = 0; second < 10; second += 1) {
      if (second > 0) jest.advanceTimersByTime(1_000);
      calls(budget, 2);
      expect(budget.callsInWindow).toBe(2 * (second + 1)); // stamps this second's calls
    }
    expect(budget.callsInWindow).toBe(20); // t = 9000: ten buckets of 2
    expect(retriesGranted(budget)).toBe(10);
    jest.advanceTimersByTime(1_000); // t = 10000: the first bucket left
    expect(budget.callsInWindow).toBe(18);
    expect(budget.tryRetry()).toBe(false); // 10 retries, allowance 9
  });
});

describe('RetryBudget.refundRetry', () => {
  /** One retry per 10 s window (buckets of 1 s), whatever the traffic. */
  const oneRetryPerWindow = () => new RetryBudget({ ratio: 0, minPerSecond: 0.1, window: 10_000 });

  it('gives back a retry granted in the current bucket', () => {
    const budget = oneRetryPerWindow();
    expect(budget.tryRetry()).toBe(true);
    budget.refundRetry();
    expect(budget.retriesInWindow).toBe(0);
    expect(budget[statisticsKey]().retries).toBe(0);
    expect(budget.tryRetry()).toBe(true);
  });

  it('gives back a retry granted a bucket or more ago (refused after its wait)', () => {
    const budget = oneRetryPerWindow();
    expect(budget.tryRetry()).toBe(true);
    jest.advanceTimersByTime(2_500);
    budget.refundRetry();
    expect(budget.retriesInWindow).toBe(0);
    expect(budget[statisticsKey]().retries).toBe(0);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });

  it('gives back nothing from the window when the retry has left it', () => {
    const budget = oneRetryPerWindow();
    expect(budget.tryRetry()).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(budget.tryRetry()).toBe(true);
    jest.advanceTimersByTime(10_000);
    budget.refundRetry();
    budget.refundRetry(); // one more than granted: never below zero
    expect(budget.retriesInWindow).toBe(0);
    expect(budget[statisticsKey]().retries).toBe(0);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });
});

describe('RetryBudget stamps first attempts at its next clock read', () => {
  it('stamps the pending calls at the 16th call, reading the clock once', () => {
    const budget = new RetryBudget({ window: 10_000 });
    const clock = jest.spyOn(Date, 'now');
    try {
      calls(budget, 15);
      expect(clock).not.toHaveBeenCalled();
      budget.recordCall(); // the 16th: stamped at t = 0, all 16
      expect(clock).toHaveBeenCalledTimes(1);
      calls(budget, 15);
      expect(clock).toHaveBeenCalledTimes(1);
    } finally {
      clock.mockRestore();
    }
    jest.advanceTimersByTime(10_000); // the 16 have left; the 15 pending are stamped now
    expect(budget.callsInWindow).toBe(15);
    jest.advanceTimersByTime(9_999);
    expect(budget.callsInWindow).toBe(15);
    jest.advanceTimersByTime(1);
    expect(budget.callsInWindow).toBe(0);
    expect(budget[statisticsKey]().calls).toBe(31);
  });

  it('counts at most 15 first attempts more than happened in the window, never fewer', () => {
    const budget = new RetryBudget({ ratio: 1, minPerSecond: 0, window: 10_000 });
    calls(budget, 15 + 16 * 3); // t = 0: 48 stamped at once, 15 pending
    jest.advanceTimersByTime(10_000); // all 63 happened more than a window ago
    expect(budget.tryRetry()).toBe(true); // the 15 are stamped now: ratio 1 x 15 retries
    expect(retriesGranted(budget)).toBe(14);
    expect(budget.callsInWindow).toBe(15);
  });

  it('tryRetry stamps the calls before it at its own time: a call earns its share at once', () => {
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, window: 1_000 });
    budget.recordCall();
    budget.recordCall();
    expect(budget.tryRetry()).toBe(true); // 0 < 1
    expect(budget.tryRetry()).toBe(false); // 1 < 1: no
    jest.advanceTimersByTime(1_000);
    expect(budget.callsInWindow).toBe(0);
    expect(budget.retriesInWindow).toBe(0);
  });
});

describe('RetryBudget options', () => {
  it.each<[string, Record<string, unknown>, 'TypeError' | 'RangeError', string]>([
    [
      'ratio -0.1',
      { ratio: -0.1 },
      'RangeError',
      'option "ratio" must be a finite number >= 0, got -0.1',
    ],
    [
      'ratio NaN',
      { ratio: NaN },
      'RangeError',
      'option "ratio" must be a finite number >= 0, got NaN',
    ],
    [
      'ratio "10%"',
      { ratio: '10%' },
      'TypeError',
      'option "ratio" must be a finite number >= 0, got "10%"',
    ],
    [
      'minPerSecond -1',
      { minPerSecond: -1 },
      'RangeError',
      'option "minPerSecond" must be a finite number >= 0, got -1',
    ],
    [
      'minPerSecond Infinity',
      { minPerSecond: Infinity },
      'RangeError',
      'option "minPerSecond" must be a finite number >= 0, got Infinity',
    ],
    [
      'window 0',
      { window: 0 },
      'RangeError',
      'option "window" must be a finite number >= 10, got 0',
    ],
    [
      'window 1e-296',
      { window: 1e-296 },
      'RangeError',
      'option "window" must be a finite number >= 10, got 1e-296',
    ],
    [
      'window 9',
      { window: 9 },
      'RangeError',
      'option "window" must be a finite number >= 10, got 9',
    ],
    [
      'window null',
      { window: null },
      'TypeError',
      'option "window" must be a finite number >= 10, got null',
    ],
    ['an unknown option', { percent: 10 }, 'TypeError', 'unknown option "percent" (value 10)'],
  ])('refuses %s, naming the option and the value', (_name, options, kind, message) => {
    expect(() => new RetryBudget(options as RetryBudgetOptions)).toThrow(
      kind === 'TypeError' ? TypeError : RangeError,
    );
    expect(() => new RetryBudget(options as RetryBudgetOptions)).toThrow(`RetryBudget: ${message}`);
    expect(() => validateRetryBudgetOptions(options, '@RetryDefaults')).toThrow(
      `@RetryDefaults: ${message}`,
    );
  });

  it('refuses what is not an options object', () => {
    expect(() => new RetryBudget(5 as RetryBudgetOptions)).toThrow(
      'RetryBudget: expected an options object, got 5',
    );
  });

  it('returns the options frozen, reads a getter once and ignores Object.prototype', () => {
    let reads = 0;
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.window = -5;
    try {
      const resolved = validateRetryBudgetOptions(
        {
          get ratio() {
            reads += 1;
            return reads === 1 ? 0.2 : -1;
          },
        },
        'RetryBudget',
      );
      expect(resolved).toEqual({ ratio: 0.2, minPerSecond: 10, window: 10_000 });
      expect(reads).toBe(1);
      expect(Object.isFrozen(resolved)).toBe(true);
    } finally {
      delete prototype.window;
    }
  });
});

describe('isRetryBudget', () => {
  it('accepts a budget from this or a second copy of the package, nothing else', () => {
    let Copy: typeof RetryBudget | undefined;
    jest.isolateModules(() => {
      Copy = (
        require('../../../src/policies/retry-budget/retry-budget') as {
          RetryBudget: typeof RetryBudget;
        }
      ).RetryBudget;
    });
    expect(Copy).toBeDefined();
    expect(Copy).not.toBe(RetryBudget);
    expect(isRetryBudget(new RetryBudget())).toBe(true);
    expect(isRetryBudget(new Copy!())).toBe(true);
    expect(isRetryBudget({ ratio: 0.1 })).toBe(false);
    expect(isRetryBudget({ recordCall() {}, tryRetry: () => true })).toBe(false);
    expect(isRetryBudget(null)).toBe(false);
    expect(isRetryBudget(false)).toBe(false);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(isRetryBudget(hostile)).toBe(false);
  });
});
