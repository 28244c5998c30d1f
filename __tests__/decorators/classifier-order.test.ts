import { Classified, ErrorCategory, Retry, RetryDefaults } from '../../src';

// DESIGN: "Chain order: method classifier, then class classifiers (subclass before base), then the
// built-in classifyError." A `classifier` given in @RetryDefaults is a class-level classifier: it
// comes after the method's own classifiers and after a subclass's.
describe('classifier chain order', () => {
  test('method @Classified outranks a classifier given in class @RetryDefaults', async () => {
    @RetryDefaults({ classifier: () => ErrorCategory.NON_RETRYABLE, initialDelay: 0, maxDelay: 0 })
    class Service {
      calls = 0;
      @Classified(() => ErrorCategory.RETRYABLE)
      @Retry({ maxAttempts: 2 })
      async run(): Promise<string> {
        this.calls += 1;
        if (this.calls === 1) throw new Error('warming up');
        return 'ok';
      }
    }
    const service = new Service();
    await expect(service.run()).resolves.toBe('ok');
    expect(service.calls).toBe(2);
  });

  test('subclass @Classified outranks a classifier given in base @RetryDefaults', async () => {
    @RetryDefaults({ classifier: () => ErrorCategory.NON_RETRYABLE, initialDelay: 0, maxDelay: 0 })
    class Base {
      calls = 0;
      @Retry({ maxAttempts: 2 })
      async run(): Promise<string> {
        this.calls += 1;
        if (this.calls === 1) throw new Error('warming up');
        return 'ok';
      }
    }
    @Classified(() => ErrorCategory.RETRYABLE)
    class Sub extends Base {}
    const service = new Sub();
    await expect(service.run()).resolves.toBe('ok');
    expect(service.calls).toBe(2);
  });
});
