import fc from 'fast-check';
import { anyValue, deadlineValue, delayValue, holds, isPlainObject } from './arbitraries';
import { optionPaths, optionsTakers, thrownBy, type OptionsTaker } from './option-takers';

// The rules between options, and options that are not an options object at all.

const returnsRan = (): string => 'ran';

/** `{ ...fields }` at the top level, or inside `rateLimit` where the taker nests it. */
function placed(fields: Record<string, unknown>, nested: boolean): Record<string, unknown> {
  return nested ? { rateLimit: fields } : fields;
}

function placesOf(
  taker: OptionsTaker,
  key: string,
): { readonly nested: boolean; readonly path: string }[] {
  const paths = optionPaths(taker);
  return [
    ...(paths.includes(key) ? [{ nested: false, path: key }] : []),
    ...(paths.includes(`rateLimit.${key}`) ? [{ nested: true, path: `rateLimit.${key}` }] : []),
  ];
}

describe.each(optionsTakers.map((taker) => [taker.source, taker] as const))(
  '%s',
  (source, taker) => {
    const delayPlaces = placesOf(taker, 'maxDelay');

    it('rejects maxDelay < initialDelay in one options object, in either key order, showing both values', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...delayPlaces),
          delayValue,
          delayValue,
          fc.boolean(),
          (place, first, second, maxDelayFirst) => {
            fc.pre(first !== second);
            const initialDelay = Math.max(first, second);
            const maxDelay = Math.min(first, second);
            const fields = maxDelayFirst ? { maxDelay, initialDelay } : { initialDelay, maxDelay };
            const thrown = thrownBy(() => taker.take(placed(fields, place.nested), returnsRan));
            holds(thrown instanceof RangeError, `expected a RangeError, got ${String(thrown)}`);
            const expected = `${source}: option "${place.path}" must be >= initialDelay (${initialDelay}), got ${maxDelay}`;
            holds(thrown.message === expected, `${thrown.message} is not ${expected}`);
          },
        ),
        { numRuns: 100 },
      );
    });

    it('accepts maxDelay >= initialDelay in one options object', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...delayPlaces),
          delayValue,
          delayValue,
          async (place, first, second) => {
            const fields = {
              initialDelay: Math.min(first, second),
              maxDelay: Math.max(first, second),
            };
            expect(await taker.take(placed(fields, place.nested), returnsRan)).toBe('ran');
          },
        ),
        { numRuns: 50 },
      );
    });

    const attemptPlaces = placesOf(taker, 'maxAttempts');
    if (attemptPlaces.length > 0) {
      it('accepts maxAttempts Infinity only with a deadline in the same options object', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...attemptPlaces),
            fc.option(deadlineValue, { nil: undefined }),
            async (place, deadline) => {
              const fields =
                deadline === undefined
                  ? { maxAttempts: Infinity }
                  : { maxAttempts: Infinity, deadline };
              // A deadline next to the other lane's options does not count.
              const elsewhere = taker.nestsRateLimit
                ? place.nested
                  ? { deadline: 1000 }
                  : { rateLimit: { deadline: 1000 } }
                : {};
              const options = { ...elsewhere, ...placed(fields, place.nested) };
              if (deadline !== undefined) {
                expect(await taker.take(options, returnsRan)).toBe('ran');
                return;
              }
              const thrown = thrownBy(() => taker.take(options, returnsRan));
              expect(thrown).toBeInstanceOf(RangeError);
              expect((thrown as Error).message).toBe(
                `${source}: option "${place.path}" must be finite unless a deadline is given in the same options, got Infinity`,
              );
            },
          ),
          { numRuns: 30 },
        );
      });
    }

    it('rejects anything but a plain object as options with a TypeError', () => {
      const notOptions = fc
        .oneof(
          anyValue,
          fc.func(fc.anything()),
          fc.string().map((description) => Symbol(description)),
        )
        .filter((value) => value !== undefined && !isPlainObject(value));
      fc.assert(
        fc.property(notOptions, (options) => {
          const thrown = thrownBy(() => taker.take(options, returnsRan));
          holds(thrown instanceof TypeError, `expected a TypeError, got ${String(thrown)}`);
          holds(
            thrown.message.startsWith(`${source}: expected an options object, got `),
            thrown.message,
          );
        }),
        { numRuns: 100 },
      );
    });

    it('rejects an unknown option, even one whose value is undefined, naming it', () => {
      const known = new Set(optionPaths(taker).map((path) => path.split('.')[0]));
      const unknownKey = fc
        .oneof(
          fc.string(),
          fc.constantFrom(
            'constructor',
            'toString',
            '__proto__',
            'hasOwnProperty',
            'maxRetries',
            'initalDelay',
            'MaxAttempts',
            'rateLimit',
          ),
        )
        .filter((key) => !known.has(key));
      fc.assert(
        fc.property(unknownKey, fc.oneof(anyValue, fc.constant(undefined)), (key, value) => {
          const options: Record<string, unknown> = {};
          Object.defineProperty(options, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          const thrown = thrownBy(() => taker.take(options, returnsRan));
          holds(thrown instanceof TypeError, `expected a TypeError, got ${String(thrown)}`);
          holds(thrown.message.startsWith(`${source}: unknown option "${key}"`), thrown.message);
        }),
        { numRuns: 100 },
      );
    });
  },
);
