import fc from 'fast-check';
import { holds, injectInvalid, validOptions } from './arbitraries';
import { optionPaths, optionsTakers, shownAs, specAt, thrownBy } from './option-takers';

// Every option of RetryOptions, RateLimitOptions and RetryDefaults' nested `rateLimit`, at every
// place options are given: an invalid value is rejected there (at class definition, before any call)
// with an error naming the place, the option and the value; a valid one is accepted.

describe.each(optionsTakers.map((taker) => [taker.source, taker] as const))(
  '%s',
  (source, taker) => {
    const pathAndInvalidValue = fc
      .constantFrom(...optionPaths(taker))
      .chain((path) => fc.tuple(fc.constant(path), specAt(taker, path).invalid));

    it('rejects every invalid value of every option, naming the option and the value', () => {
      fc.assert(
        fc.property(validOptions(taker.specs), pathAndInvalidValue, (valid, [path, invalid]) => {
          let called = false;
          const thrown = thrownBy(() =>
            taker.take(injectInvalid(valid, path, invalid.value), () => {
              called = true;
              return 'called';
            }),
          );
          const otherClass = invalid.errorClass === TypeError ? RangeError : TypeError;
          holds(
            thrown instanceof invalid.errorClass,
            `expected a ${invalid.errorClass.name}, got ${String(thrown)}`,
          );
          holds(
            !(thrown instanceof otherClass),
            `a ${invalid.errorClass.name} must not also be a ${otherClass.name}`,
          );
          holds(!called, 'the function ran although its options are invalid');
          const { message } = thrown as Error;
          holds(
            message.startsWith(`${source}: option "${path}" must be `),
            `message does not name ${source} and "${path}": ${message}`,
          );
          const shown = shownAs(invalid.value);
          holds(
            shown === undefined ? message.includes(', got ') : message.endsWith(`, got ${shown}`),
            `message does not show the value: ${message}`,
          );
        }),
        { numRuns: 300 },
      );
    });

    it('accepts options made of valid values (given, left out or explicitly undefined)', async () => {
      await fc.assert(
        fc.asyncProperty(validOptions(taker.specs), async (valid) => {
          expect(await taker.take(valid, () => 'ran')).toBe('ran');
        }),
        { numRuns: 100 },
      );
    });
  },
);
