import { calculateBackoffDelay, type JitterStrategy } from '../../src';
import { scriptedRandom } from '../backoff/seeded-random';

const almostOne = 0.9999999;

describe('calculateBackoffDelay without jitter', () => {
  it('gives 1000, 2000, 4000, 8000, 16000 for attempts 1..5 with the defaults', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) =>
      calculateBackoffDelay(attempt, { jitter: 'none' }),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('treats jitter false as none', () => {
    expect(calculateBackoffDelay(3, { jitter: false })).toBe(4000);
  });

  it('grows by exponentialBase from initialDelay', () => {
    const options = { jitter: 'none', initialDelay: 100, exponentialBase: 3 } as const;
    expect([1, 2, 3, 4].map((attempt) => calculateBackoffDelay(attempt, options))).toEqual([
      100, 300, 900, 2700,
    ]);
  });

  it('caps the delay at maxDelay', () => {
    const options = { jitter: 'none', initialDelay: 1000, maxDelay: 5000 } as const;
    expect([3, 4, 10, 2000].map((attempt) => calculateBackoffDelay(attempt, options))).toEqual([
      4000, 5000, 5000, 5000,
    ]);
  });

  it('caps at the default maxDelay of 60000', () => {
    expect(calculateBackoffDelay(7, { jitter: 'none' })).toBe(60000);
    expect(calculateBackoffDelay(1e6, { jitter: 'none' })).toBe(60000);
  });

  it('stays 0 when initialDelay is 0', () => {
    expect(calculateBackoffDelay(1000, { jitter: 'none', initialDelay: 0 })).toBe(0);
  });
});

describe('calculateBackoffDelay bounds of each jitter', () => {
  // attempt 3 with initialDelay 1000: base = 4000
  it.each<[JitterStrategy | true, number, number]>([
    ['full', 0, 4000],
    [true, 0, 4000],
    ['equal', 2000, 4000],
    ['proportional', 2000, 6000],
  ])('%s jitter on a base of 4000 stays within [%i, %i]', (jitter, lowest, highest) => {
    const low = calculateBackoffDelay(3, { jitter, random: () => 0 });
    const middle = calculateBackoffDelay(3, { jitter, random: () => 0.5 });
    const high = calculateBackoffDelay(3, { jitter, random: () => almostOne });
    expect(low).toBe(lowest);
    expect(high).toBe(highest);
    expect(middle).toBe((lowest + highest) / 2);
  });

  it('full jitter scales the base by the random draw', () => {
    expect(calculateBackoffDelay(2, { jitter: 'full', random: () => 0.25 })).toBe(500);
  });

  it('uses the injected random and not Math.random', () => {
    const spy = jest.spyOn(Math, 'random');
    try {
      calculateBackoffDelay(2, { random: () => 0.5 });
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('uses Math.random when none is injected (full jitter by default)', () => {
    const spy = jest.spyOn(Math, 'random').mockReturnValue(0.75);
    try {
      expect(calculateBackoffDelay(2)).toBe(1500);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it.each<JitterStrategy>(['full', 'equal', 'proportional', 'decorrelated'])(
    '%s jitter never exceeds maxDelay',
    (jitter) => {
      const options = { jitter, maxDelay: 3000, random: () => almostOne, previousDelay: 50000 };
      expect(calculateBackoffDelay(10, options)).toBe(3000);
    },
  );

  it('proportional jitter is capped at maxDelay even when the base is below it', () => {
    // base 4000 * 1.5 would be 6000
    expect(
      calculateBackoffDelay(3, { jitter: 'proportional', maxDelay: 5000, random: () => almostOne }),
    ).toBe(5000);
  });
});

describe('calculateBackoffDelay with decorrelated jitter', () => {
  it('draws from [initialDelay, previousDelay * 3)', () => {
    const options = { jitter: 'decorrelated', initialDelay: 1000, previousDelay: 2000 } as const;
    expect(calculateBackoffDelay(2, { ...options, random: () => 0 })).toBe(1000);
    expect(calculateBackoffDelay(2, { ...options, random: () => 0.5 })).toBe(3500);
    expect(calculateBackoffDelay(2, { ...options, random: () => almostOne })).toBe(6000);
  });

  it('grows from initialDelay when no previousDelay is given', () => {
    expect(
      calculateBackoffDelay(1, {
        jitter: 'decorrelated',
        initialDelay: 1000,
        random: () => almostOne,
      }),
    ).toBe(3000);
  });

  it('depends on previousDelay, not on the attempt number', () => {
    const options = {
      jitter: 'decorrelated',
      initialDelay: 100,
      previousDelay: 400,
      random: () => 0.5,
    } as const;
    expect(calculateBackoffDelay(1, options)).toBe(calculateBackoffDelay(9, options));
    expect(calculateBackoffDelay(1, options)).toBe(650);
  });

  it('chains: each delay feeds the next', () => {
    const random = scriptedRandom(almostOne);
    let previousDelay = 100;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      previousDelay = calculateBackoffDelay(attempt, {
        jitter: 'decorrelated',
        initialDelay: 100,
        maxDelay: 2000,
        random,
        previousDelay,
      });
      delays.push(previousDelay);
    }
    expect(delays).toEqual([300, 900, 2000, 2000]);
  });
});

describe('calculateBackoffDelay rejects a bad attempt', () => {
  it.each<[unknown, string]>([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['1', '"1"'],
    [undefined, 'undefined'],
  ])('attempt %p is a RangeError naming attempt and %s', (attempt, shown) => {
    const call = (): number => calculateBackoffDelay(attempt as number, { jitter: 'none' });
    expect(call).toThrow(RangeError);
    expect(call).toThrow(/attempt/);
    expect(call).toThrow(`got ${shown}`);
  });
});
