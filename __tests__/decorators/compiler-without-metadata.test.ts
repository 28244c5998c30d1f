import { Classified, Retry, RetryDefaults, RetryOnRateLimit } from '../../src';

// TypeScript 5.0 and 5.1 compile standard decorators without `context.metadata`. Such a class
// cannot work (policy is kept in the metadata), so its definition fails with a message that names
// the fix. The contexts below are what those compilers pass, written out by hand.
type AnyDecorator = (value: unknown, context: unknown) => unknown;

function methodContext(extra: object = {}) {
  return {
    kind: 'method',
    name: 'fetchQuote',
    static: false,
    private: false,
    access: { has: () => true, get: () => undefined },
    addInitializer: () => undefined,
    ...extra,
  };
}

function classContext(extra: object = {}) {
  return { kind: 'class', name: 'QuoteService', addInitializer: () => undefined, ...extra };
}

async function fetchQuote(): Promise<string> {
  return 'quote';
}
class QuoteService {}

describe('a class compiled without decorator metadata', () => {
  it.each<[string, 'method' | 'class', AnyDecorator]>([
    ['@Retry', 'method', Retry() as AnyDecorator],
    ['@RetryOnRateLimit', 'method', RetryOnRateLimit() as AnyDecorator],
    ['@Classified', 'method', Classified(() => undefined) as AnyDecorator],
    ['@Classified', 'class', Classified(() => undefined) as AnyDecorator],
    ['@RetryDefaults', 'class', RetryDefaults({ maxAttempts: 2 }) as AnyDecorator],
  ])(
    'by TypeScript 5.0 or 5.1: %s on a %s says TypeScript 5.2 or later is needed',
    (name, kind, decorator) => {
      const [value, context] =
        kind === 'class' ? [QuoteService, classContext()] : [fetchQuote, methodContext()];
      expect(() => decorator(value, context)).toThrow(
        new TypeError(
          `${name}: the decorator context has no "metadata": this class was compiled by a compiler ` +
            'older than decorator metadata (TypeScript 5.0 or 5.1). tenacious needs TypeScript ' +
            '5.2 or later (or experimentalDecorators)',
        ),
      );
    },
  );

  it('by TypeScript 5.2+ before Symbol.metadata existed: @Retry says to import tenacious first', () => {
    expect(() =>
      (Retry() as AnyDecorator)(fetchQuote, methodContext({ metadata: undefined })),
    ).toThrow(
      new TypeError(
        '@Retry: decorator metadata is missing (Symbol.metadata did not exist when the class was ' +
          "defined); import 'tenacious' before defining decorated classes",
      ),
    );
  });
});
