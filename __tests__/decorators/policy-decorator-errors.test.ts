import { policyDecoratorCases, refusingFunctionCases } from './policy-decorator-cases';

// The definition errors of the six policy decorators, word for word (the cases say why);
// ../legacy/policy-decorator-errors.test.ts: the same under legacy decorators.

describe.each(policyDecoratorCases)(
  '$source: definition errors, word for word',
  ({ source, make, twice }) => {
    test('applied twice to one method', () => {
      expect(() => {
        class Service {
          @make()
          @make()
          async load(): Promise<string> {
            return 'fresh';
          }
        }
        return Service;
      }).toThrow(new TypeError(`${source} is applied twice to method "load"; ${twice('method')}`));
    });

    test('applied twice to one class', () => {
      expect(() => {
        @make()
        @make()
        class Service {
          async load(): Promise<string> {
            return 'fresh';
          }
        }
        return Service;
      }).toThrow(new TypeError(`${source} is applied twice to class Service; ${twice('class')}`));
    });

    test('on a field', () => {
      expect(() => {
        class Service {
          // @ts-expect-error the decorator's types refuse a field
          @make() value = 1;
        }
        return Service;
      }).toThrow(
        new TypeError(
          `${source} cannot decorate field "value": put it on a method or on the class`,
        ),
      );
    });

    test('on a method and on its class: both apply, no error', async () => {
      @make()
      class Service {
        @make()
        async load(): Promise<string> {
          return 'fresh';
        }
      }
      await expect(new Service().load()).resolves.toBe('fresh');
    });
  },
);

describe('a function given where options were expected', () => {
  it.each(refusingFunctionCases)('$source refuses it, saying how to write it', (entry) => {
    expect(() => entry.factory((() => undefined) as never)).toThrow(new TypeError(entry.message));
  });
});
