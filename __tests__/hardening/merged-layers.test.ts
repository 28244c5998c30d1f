import { Classified, Retry, RetryDefaults, RetryOnRateLimit } from '../../src';

// A combination that only appears once layers merge (class defaults + method options, and a
// subclass's @RetryDefaults over its base's) is refused when the class is defined, naming both
// layers. A subclass with no tenacious class decorator cannot be seen then: its first call throws.

describe('refused when the class is defined', () => {
  it('@RetryDefaults initialDelay over @Retry maxDelay', () => {
    expect(() => {
      @RetryDefaults({ initialDelay: 5000 })
      class Foo {
        @Retry({ maxDelay: 1000 })
        async bar(): Promise<void> {}
      }
      return Foo;
    }).toThrow(
      new RangeError(
        '@RetryDefaults({ initialDelay: 5000 }) on Foo and @Retry({ maxDelay: 1000 }) on Foo.bar: maxDelay (1000) must be >= initialDelay (5000)',
      ),
    );
  });

  it('@Retry initialDelay under @RetryDefaults maxDelay', () => {
    expect(() => {
      @RetryDefaults({ maxDelay: 100 })
      class Foo {
        @Retry({ initialDelay: 500 })
        static bar(): void {}
      }
      return Foo;
    }).toThrow(
      '@RetryDefaults({ maxDelay: 100 }) on Foo and @Retry({ initialDelay: 500 }) on Foo.bar: maxDelay (100) must be >= initialDelay (500)',
    );
  });

  it('the rate-limit lane: @RetryDefaults rateLimit over @RetryOnRateLimit', () => {
    expect(() => {
      @RetryDefaults({ rateLimit: { initialDelay: 5000 } })
      class Foo {
        @RetryOnRateLimit({ maxDelay: 1000 })
        async bar(): Promise<void> {}
      }
      return Foo;
    }).toThrow(
      '@RetryDefaults({ rateLimit: { initialDelay: 5000 } }) on Foo and @RetryOnRateLimit({ maxDelay: 1000 }) on Foo.bar: maxDelay (1000) must be >= initialDelay (5000)',
    );
  });

  it("a subclass's @RetryDefaults over its base's, for an inherited method", () => {
    @RetryDefaults({ initialDelay: 5000 })
    class Base {
      @Retry()
      async bar(): Promise<void> {}
    }
    expect(() => {
      @RetryDefaults({ maxDelay: 1000 })
      class Sub extends Base {}
      return Sub;
    }).toThrow(
      '@RetryDefaults({ initialDelay: 5000 }) on Base and @RetryDefaults({ maxDelay: 1000 }) on Sub: maxDelay (1000) must be >= initialDelay (5000)',
    );
  });

  it("a subclass's own method under its base's @RetryDefaults, once the subclass has a class decorator", () => {
    @RetryDefaults({ initialDelay: 5000 })
    class Base {}
    expect(() => {
      @Classified(() => undefined)
      class Sub extends Base {
        @Retry({ maxDelay: 1000 })
        async bar(): Promise<void> {}
      }
      return Sub;
    }).toThrow(
      '@RetryDefaults({ initialDelay: 5000 }) on Base and @Retry({ maxDelay: 1000 }) on Sub.bar',
    );
  });

  it("a #private method, and a base class's #private method under a subclass's @RetryDefaults", () => {
    expect(() => {
      @RetryDefaults({ initialDelay: 5000 })
      class Foo {
        @Retry({ maxDelay: 1000 })
        async #bar(): Promise<void> {}
        run(): Promise<void> {
          return this.#bar();
        }
      }
      return Foo;
    }).toThrow(
      '@RetryDefaults({ initialDelay: 5000 }) on Foo and @Retry({ maxDelay: 1000 }) on Foo.#bar: maxDelay (1000) must be >= initialDelay (5000)',
    );
    class Base {
      @Retry({ maxDelay: 1000 })
      static #bar(): void {}
      static run(): void {
        this.#bar();
      }
    }
    expect(() => {
      @RetryDefaults({ initialDelay: 5000 })
      class Sub extends Base {}
      return Sub;
    }).toThrow(
      '@RetryDefaults({ initialDelay: 5000 }) on Sub and @Retry({ maxDelay: 1000 }) on Base.#bar',
    );
  });

  it('accepts layers that agree, and a method that an undecorated override replaces', () => {
    expect(() => {
      @RetryDefaults({ initialDelay: 100, maxDelay: 200 })
      class Foo {
        @Retry({ maxDelay: 150 })
        async bar(): Promise<void> {}
        @RetryOnRateLimit({ maxDelay: 5000 })
        async baz(): Promise<void> {}
      }
      @RetryDefaults({ initialDelay: 5000 })
      class Base {
        @Retry()
        async bar(): Promise<void> {}
      }
      @RetryDefaults({ maxDelay: 1000 })
      class Sub extends Base {
        override async bar(): Promise<void> {}
      }
      return [Foo, Sub];
    }).not.toThrow();
  });
});

describe('a subclass without a class decorator: checked at its first call', () => {
  it('throws at the first call, naming both layers, and at every call after it', () => {
    @RetryDefaults({ initialDelay: 5000 })
    class Base {}
    class Sub extends Base {
      @Retry({ maxDelay: 1000 })
      bar(): string {
        return 'ran';
      }
    }
    const message =
      '@RetryDefaults({ initialDelay: 5000 }) on Base and @Retry({ maxDelay: 1000 }) on Sub.bar: maxDelay (1000) must be >= initialDelay (5000)';
    expect(() => new Sub().bar()).toThrow(new RangeError(message));
    expect(() => new Sub().bar()).toThrow(message);
  });
});
