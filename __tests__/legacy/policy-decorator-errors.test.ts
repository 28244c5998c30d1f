import 'reflect-metadata';
import { policyDecoratorCases, refusingFunctionCases } from '../decorators/policy-decorator-cases';

// ../decorators/policy-decorator-errors under experimentalDecorators: the definition errors of
// the six policy decorators, word for word.

describe.each(policyDecoratorCases)(
  'legacy $source: definition errors, word for word',
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

    test('applied twice to one static method', () => {
      expect(() => {
        class Service {
          @make()
          @make()
          static async load(): Promise<string> {
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

describe('legacy: a class decorator written without parentheses is handed the class', () => {
  it.each(refusingFunctionCases)(
    '$source refuses it, saying how to write it',
    ({ factory, message }) => {
      expect(() => {
        @(factory as ClassDecorator)
        class Service {}
        return Service;
      }).toThrow(new TypeError(message));
    },
  );
});
