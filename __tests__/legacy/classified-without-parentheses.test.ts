import 'reflect-metadata';
import { Classified } from '../../src';

// `@Classified` written without parentheses on a class (a JavaScript caller, or a cast): in legacy
// mode the factory is called with the class as its only argument. It is rejected at definition, as
// `@Retry` / `@RetryDefaults` without parentheses are, rather than replacing the class with the
// decorator function the factory returns.
describe('legacy: @Classified without parentheses on a class', () => {
  it('is a TypeError at class definition, and does not replace the class', () => {
    const ClassifiedAsAny = Classified as unknown as ClassDecorator;
    let defined: unknown;
    const define = () => {
      @ClassifiedAsAny
      class Store {
        ping(): string {
          return 'pong';
        }
      }
      defined = Store;
    };
    expect(define).toThrow(TypeError);
    // (had it not thrown, the "class" would be the decorator function)
    expect(defined).toBeUndefined();
  });
});
