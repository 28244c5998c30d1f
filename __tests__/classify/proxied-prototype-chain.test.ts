import { ErrorCategory, classifyError } from '../../src';

// The classifier ignores a key inherited from Object.prototype (one someone put there): to tell,
// it walks the thrown value's prototype chain, which a Proxy can make endless.

describe('classifyError on a Proxy whose prototype is itself, with Object.prototype polluted', () => {
  afterEach(() => {
    delete (Object.prototype as { status?: unknown }).status;
  });

  it('ends, and reads no status from it', () => {
    Object.defineProperty(Object.prototype, 'status', {
      value: 503,
      configurable: true,
      writable: true,
    });
    let reads = 0;
    const thrown: object = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          reads += 1;
          if (reads > 1_000_000) throw new Error('runaway: the chain was walked without end');
          return thrown;
        },
        // What the chain would answer: the polluted value, as if inherited.
        get: (_target, key) => (key === 'status' ? 503 : undefined),
      },
    );
    expect(classifyError(thrown)).toBe(ErrorCategory.NON_RETRYABLE);
    expect(reads).toBeLessThan(1_000_000);
  });
});
