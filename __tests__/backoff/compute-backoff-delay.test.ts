import { computeBackoffDelay } from '../../src/backoff/compute-backoff-delay';
import type { ResolvedBackoff } from '../../src/backoff/jitter';
import type { JitterStrategy } from '../../src/policy/options';
import { scriptedRandom, seededRandom } from './seeded-random';

const allStrategies: readonly JitterStrategy[] = [
  'full',
  'equal',
  'proportional',
  'decorrelated',
  'none',
];
const almostOne = 0.9999999;

function backoff(overrides: Partial<ResolvedBackoff> = {}): ResolvedBackoff {
  return {
    initialDelay: 1000,
    maxDelay: 60000,
    exponentialBase: 2,
    jitter: 'none',
    random: () => {
      throw new Error('random() was not expected to be called');
    },
    ...overrides,
  };
}

describe('computeBackoffDelay without jitter', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 16000],
    [6, 32000],
    [7, 60000],
    [8, 60000],
  ])('attempt %i waits %i ms with the defaults', (attempt, expected) => {
    expect(computeBackoffDelay(attempt, backoff(), 1000)).toBe(expected);
  });

  it('grows by exponentialBase', () => {
    const tripling = backoff({ initialDelay: 100, exponentialBase: 3 });
    expect([1, 2, 3, 4].map((attempt) => computeBackoffDelay(attempt, tripling, 100))).toEqual([
      100, 300, 900, 2700,
    ]);
  });
});

describe('computeBackoffDelay bounds per strategy', () => {
  // Attempt 3: base = 1000 * 2^2 = 4000. Decorrelated draws from U(1000, previous * 3) = U(1000, 12000).
  it.each([
    ['full', 0, 0],
    ['full', 0.5, 2000],
    ['full', almostOne, 4000],
    ['equal', 0, 2000],
    ['equal', 0.5, 3000],
    ['equal', almostOne, 4000],
    ['proportional', 0, 2000],
    ['proportional', 0.5, 4000],
    ['proportional', almostOne, 6000],
    ['decorrelated', 0, 1000],
    ['decorrelated', 0.5, 6500],
    ['decorrelated', almostOne, 12000],
    ['none', 0, 4000],
    ['none', 0.5, 4000],
    ['none', almostOne, 4000],
  ] as const)('%s with random() = %d gives %i', (jitter, randomValue, expected) => {
    expect(computeBackoffDelay(3, backoff({ jitter, random: () => randomValue }), 4000)).toBe(
      expected,
    );
  });

  it('does not draw a random number when jitter is none', () => {
    const random = jest.fn(() => 0.5);
    computeBackoffDelay(3, backoff({ random }), 1000);
    expect(random).not.toHaveBeenCalled();
  });

  it.each(allStrategies)('%s always gives a whole number of milliseconds', (jitter) => {
    const random = seededRandom(7);
    const settings = backoff({ jitter, initialDelay: 333, exponentialBase: 1.7, random });
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      expect(Number.isInteger(computeBackoffDelay(attempt, settings, 333 * attempt))).toBe(true);
    }
  });
});

describe('computeBackoffDelay caps at maxDelay', () => {
  it.each(allStrategies)('%s never exceeds maxDelay, even with random() close to 1', (jitter) => {
    const settings = backoff({ jitter, random: () => almostOne, maxDelay: 10000 });
    let previous = 1000;
    for (let attempt = 1; attempt <= 40; attempt += 1) {
      const delay = computeBackoffDelay(attempt, settings, previous);
      expect(delay).toBeLessThanOrEqual(10000);
      expect(delay).toBeGreaterThanOrEqual(0);
      previous = delay;
    }
  });

  it('caps proportional jitter after it scales the base up', () => {
    // base 16000 * 1.5 would be 24000.
    expect(
      computeBackoffDelay(
        5,
        backoff({ jitter: 'proportional', random: () => 0.999, maxDelay: 20000 }),
        1000,
      ),
    ).toBe(20000);
  });

  it('caps decorrelated jitter when three times the previous delay is past maxDelay', () => {
    expect(
      computeBackoffDelay(2, backoff({ jitter: 'decorrelated', random: () => 0.9 }), 50000),
    ).toBe(60000);
  });

  it('does not round up past a fractional maxDelay', () => {
    expect(computeBackoffDelay(10, backoff({ maxDelay: 1500.6 }), 1000)).toBe(1500);
  });
});

describe('computeBackoffDelay with huge attempts', () => {
  it.each(allStrategies)('%s stays finite and within maxDelay at attempt 2000', (jitter) => {
    const delay = computeBackoffDelay(2000, backoff({ jitter, random: () => 0.5 }), 60000);
    expect(Number.isFinite(delay)).toBe(true);
    expect(delay).toBeLessThanOrEqual(60000);
    expect(delay).toBeGreaterThanOrEqual(0);
  });

  it('gives exactly maxDelay without jitter once the exponent overflows', () => {
    expect(2 ** 1999).toBe(Infinity);
    expect(computeBackoffDelay(2000, backoff(), 1000)).toBe(60000);
    expect(
      computeBackoffDelay(Number.MAX_SAFE_INTEGER, backoff({ exponentialBase: 10 }), 1000),
    ).toBe(60000);
  });

  it('gives 0 rather than NaN when initialDelay is 0', () => {
    expect(computeBackoffDelay(2000, backoff({ initialDelay: 0 }), 0)).toBe(0);
    expect(
      computeBackoffDelay(2000, backoff({ initialDelay: 0, jitter: 'full', random: () => 0.5 }), 0),
    ).toBe(0);
  });

  it('never goes below 0, even if an injected random() misbehaves', () => {
    expect(
      computeBackoffDelay(3, backoff({ jitter: 'full', random: () => Number.NaN }), 1000),
    ).toBe(0);
    expect(computeBackoffDelay(3, backoff({ jitter: 'full', random: () => -1 }), 1000)).toBe(0);
  });
});

describe('decorrelated jitter sequence', () => {
  function sequence(
    random: () => number,
    length: number,
    settings: Partial<ResolvedBackoff> = {},
  ): number[] {
    const resolved = backoff({ jitter: 'decorrelated', random, ...settings });
    const delays: number[] = [];
    let previous = resolved.initialDelay;
    for (let attempt = 1; attempt <= length; attempt += 1) {
      previous = computeBackoffDelay(attempt, resolved, previous);
      delays.push(previous);
    }
    return delays;
  }

  it('grows from the previous delay: U(initialDelay, previous * 3)', () => {
    // 1000 + 0.5 * (1000*3 - 1000) = 2000; then 1000 + 0.5 * (6000 - 1000) = 3500; and so on.
    expect(sequence(scriptedRandom(0.5), 6)).toEqual([2000, 3500, 5750, 9125, 14188, 21782]);
  });

  it('is reproducible with a seeded random and stays within its bounds', () => {
    const first = sequence(seededRandom(42), 25, { maxDelay: 20000 });
    expect(sequence(seededRandom(42), 25, { maxDelay: 20000 })).toEqual(first);
    expect(sequence(seededRandom(43), 25, { maxDelay: 20000 })).not.toEqual(first);
    let previous = 1000;
    for (const delay of first) {
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(Math.min(20000, previous * 3));
      previous = delay;
    }
  });

  it('ignores the attempt number', () => {
    const settings = backoff({ jitter: 'decorrelated', random: () => 0.25 });
    expect(computeBackoffDelay(1, settings, 4000)).toBe(computeBackoffDelay(9, settings, 4000));
  });
});
