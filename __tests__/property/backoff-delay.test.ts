import fc from 'fast-check';
import { calculateBackoffDelay, type BackoffDelayOptions } from '../../src';
import {
  allJitters,
  cyclingRandom,
  holds,
  delayValue,
  exponentialBaseValue,
  hostileDraws,
  unitDraws,
} from './arbitraries';

const defaultMaxDelay = 60_000;

/** Backoff options with each field given or not; maxDelay >= initialDelay when both are given. */
const backoffOptions = fc
  .record(
    {
      initialDelay: delayValue,
      maxDelay: delayValue,
      exponentialBase: exponentialBaseValue,
      jitter: fc.constantFrom(...allJitters),
      previousDelay: delayValue,
    },
    { requiredKeys: [] },
  )
  .map((options) => {
    const { initialDelay, maxDelay } = options;
    if (initialDelay === undefined || maxDelay === undefined || maxDelay >= initialDelay) {
      return options;
    }
    return { ...options, initialDelay: maxDelay, maxDelay: initialDelay };
  });

/** Small attempts, where the schedule grows, and huge ones, where `exponentialBase ** attempt` overflows. */
const attemptNumber = fc.oneof(
  fc.integer({ min: 1, max: 64 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

function expectWithinCap(delay: number, options: BackoffDelayOptions): void {
  const maxDelay = options.maxDelay ?? defaultMaxDelay;
  holds(
    Number.isInteger(delay) && delay >= 0 && delay <= maxDelay,
    `delay ${delay} is not a whole number in [0, ${maxDelay}]`,
  );
}

describe('calculateBackoffDelay', () => {
  it('gives a whole number of ms in [0, maxDelay] for any valid options and any random draws in [0, 1)', () => {
    fc.assert(
      fc.property(attemptNumber, backoffOptions, unitDraws, (attempt, options, draws) => {
        expectWithinCap(
          calculateBackoffDelay(attempt, { ...options, random: cyclingRandom(draws) }),
          options,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('stays in [0, maxDelay] when random returns NaN, negatives, values above 1 or infinities', () => {
    fc.assert(
      fc.property(attemptNumber, backoffOptions, hostileDraws, (attempt, options, draws) => {
        expectWithinCap(
          calculateBackoffDelay(attempt, { ...options, random: cyclingRandom(draws) }),
          options,
        );
      }),
      { numRuns: 500 },
    );
  });

  it("with jitter 'none' is initialDelay * exponentialBase^(attempt-1) capped at maxDelay, non-decreasing in attempt", () => {
    const unjittered = backoffOptions.map(
      ({ jitter: _jitter, previousDelay: _previous, ...rest }) => rest,
    );
    fc.assert(
      fc.property(
        unjittered,
        fc.constantFrom<'none' | false>('none', false),
        fc.integer({ min: 2, max: 80 }),
        (options, jitter, lastAttempt) => {
          const initialDelay = options.initialDelay ?? 1000;
          const maxDelay = options.maxDelay ?? defaultMaxDelay;
          const exponentialBase = options.exponentialBase ?? 2;
          let previous = -Infinity;
          for (let attempt = 1; attempt <= lastAttempt; attempt += 1) {
            // random is never consulted without jitter: a hostile one must not matter.
            const delay = calculateBackoffDelay(attempt, { ...options, jitter, random: () => NaN });
            expectWithinCap(delay, options);
            const exact =
              initialDelay === 0
                ? 0
                : Math.min(initialDelay * exponentialBase ** (attempt - 1), maxDelay);
            // Whole milliseconds: within rounding of the formula (DESIGN.md, "Backoff for attempt n").
            holds(
              Math.abs(delay - exact) < 1,
              `attempt ${attempt}: delay ${delay}, formula ${exact}`,
            );
            holds(delay >= previous, `attempt ${attempt}: delay ${delay} < previous ${previous}`);
            previous = delay;
          }
          // Far past the point where the exponent overflows (or just reaches the cap), the delay is the cap itself.
          if (initialDelay * exponentialBase ** (Number.MAX_SAFE_INTEGER - 1) >= maxDelay) {
            expect(calculateBackoffDelay(Number.MAX_SAFE_INTEGER, { ...options, jitter })).toBe(
              Math.floor(maxDelay),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
