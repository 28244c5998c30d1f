import { ErrorCategory, Retry, RetryDefaults, RetryOnRateLimit } from '../../src';
import {
  afterAllTimers,
  FailureScript,
  httpErrors,
  instantRateLimit,
  instantRetry,
  thrownBy,
} from './failure-script';

describe('@RetryDefaults', () => {
  it('gives its decorated methods the class defaults', async () => {
    const script = new FailureScript(httpErrors(503, 503, 503, 503));
    @RetryDefaults({ ...instantRetry, maxAttempts: 5 })
    class Service {
      @Retry()
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).resolves.toBe('ok');
    expect(script.calls).toBe(5);
  });

  it('does not make an undecorated method retry', async () => {
    const script = new FailureScript(httpErrors(503, 503));
    @RetryDefaults({ ...instantRetry, maxAttempts: 5 })
    class Service {
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('applies its top-level fields to @Retry methods only and `rateLimit` to @RetryOnRateLimit methods only', () => {
    const retryScript = new FailureScript(httpErrors(429, 429, 429, 429, 429, 429));
    const rateLimitScript = new FailureScript(httpErrors(429, 429, 429, 429, 429, 429));
    @RetryDefaults({
      ...instantRetry,
      maxAttempts: 2,
      rateLimit: { ...instantRateLimit, maxAttempts: 4 },
    })
    class Service {
      @Retry()
      retried(): string {
        return retryScript.next(this);
      }

      @RetryOnRateLimit()
      throttled(): string {
        return rateLimitScript.next(this);
      }
    }
    const service = new Service();
    expect(thrownBy(() => service.retried())).toBe(retryScript.failures[1]);
    expect(thrownBy(() => service.throttled())).toBe(rateLimitScript.failures[3]);
    expect(retryScript.calls).toBe(2);
    expect(rateLimitScript.calls).toBe(4);
  });

  it('leaves the built-in lane defaults to fields it does not set', () => {
    const script = new FailureScript(httpErrors(429, 429, 429, 429, 429, 429));
    @RetryDefaults({ maxAttempts: 2, rateLimit: instantRateLimit })
    class Service {
      @RetryOnRateLimit()
      throttled(): string {
        return script.next(this);
      }
    }
    expect(thrownBy(() => new Service().throttled())).toBe(script.failures[4]);
    expect(script.calls).toBe(5); // the rate-limit lane's own default, not the class's retry cap
  });

  it('supplies a default classifier', async () => {
    class Wobble extends Error {}
    const script = new FailureScript([new Wobble(), new Wobble()]);
    @RetryDefaults({
      ...instantRetry,
      classifier: (error) => (error instanceof Wobble ? ErrorCategory.RETRYABLE : undefined),
    })
    class Service {
      @Retry()
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).resolves.toBe('ok');
    expect(script.calls).toBe(3);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      expect(jest.getTimerCount()).toBe(0);
      jest.useRealTimers();
    });

    it('is overridden field by field by the method options', async () => {
      const delays: number[] = [];
      const script = new FailureScript(httpErrors(503, 503, 503, 503, 503));
      @RetryDefaults({
        maxAttempts: 5,
        initialDelay: 7,
        maxDelay: 7,
        jitter: 'none',
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      })
      class Service {
        @Retry({ maxAttempts: 2 })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(afterAllTimers(new Service().load())).rejects.toBe(script.failures[1]);
      expect(script.calls).toBe(2); // the method's cap
      expect(delays).toEqual([7]); // the class's schedule and callback
    });

    describe('in a class hierarchy', () => {
      function createHierarchy() {
        const log: string[] = [];
        const script = new FailureScript<string>(httpErrors(503, 503, 503, 503, 503, 503));
        const throttleScript = new FailureScript<string>(httpErrors(429, 429, 429, 429, 429, 429));

        @RetryDefaults({
          maxAttempts: 4,
          initialDelay: 10,
          maxDelay: 10,
          jitter: 'none',
          onRetry: (_error, attempt, delay) => log.push(`retry ${attempt}: ${delay}`),
          rateLimit: {
            maxAttempts: 2,
            initialDelay: 50,
            maxDelay: 50,
            jitter: 'proportional',
            random: () => 0.5,
            onRetry: (_error, attempt, delay) => log.push(`rate limit ${attempt}: ${delay}`),
          },
        })
        class BaseService {
          @Retry()
          async load(): Promise<string> {
            return script.next(this);
          }

          @RetryOnRateLimit()
          async throttled(): Promise<string> {
            return throttleScript.next(this);
          }

          @Retry()
          static async loadStatic(): Promise<string> {
            return script.next(this);
          }
        }

        @RetryDefaults({ maxAttempts: 2, rateLimit: { maxAttempts: 3 } })
        class SubService extends BaseService {}

        class PlainSubService extends BaseService {}

        return { log, script, throttleScript, BaseService, SubService, PlainSubService };
      }

      it('uses the base defaults on a base instance', async () => {
        const { log, script, throttleScript, BaseService } = createHierarchy();
        const service = new BaseService();
        await expect(afterAllTimers(service.load())).rejects.toBe(script.failures[3]);
        await expect(afterAllTimers(service.throttled())).rejects.toBe(throttleScript.failures[1]);
        expect(script.calls).toBe(4);
        expect(throttleScript.calls).toBe(2);
        expect(log).toEqual(['retry 1: 10', 'retry 2: 10', 'retry 3: 10', 'rate limit 1: 50']);
      });

      it("uses the subclass's defaults for an inherited method, merged field by field over the base's (nested rateLimit too)", async () => {
        const { log, script, throttleScript, SubService } = createHierarchy();
        const service = new SubService();
        await expect(afterAllTimers(service.load())).rejects.toBe(script.failures[1]);
        await expect(afterAllTimers(service.throttled())).rejects.toBe(throttleScript.failures[2]);
        expect(script.calls).toBe(2); // subclass cap
        expect(throttleScript.calls).toBe(3); // subclass rateLimit cap
        // The base's delays and callbacks are kept where the subclass says nothing.
        expect(log).toEqual(['retry 1: 10', 'rate limit 1: 50', 'rate limit 2: 50']);
      });

      it('inherits the base defaults in a subclass without @RetryDefaults', async () => {
        const { script, PlainSubService } = createHierarchy();
        await expect(afterAllTimers(new PlainSubService().load())).rejects.toBe(script.failures[3]);
        expect(script.calls).toBe(4);
      });

      it('does not let a subclass change the defaults of base instances', async () => {
        const { script, BaseService, SubService } = createHierarchy();
        await expect(afterAllTimers(new SubService().load())).rejects.toBe(script.failures[1]);
        await expect(afterAllTimers(new BaseService().load())).rejects.toBe(script.failures[5]);
        expect(script.calls).toBe(2 + 4);
      });

      it('uses the defaults of the class a static method is called on', async () => {
        const { script, BaseService, SubService } = createHierarchy();
        await expect(afterAllTimers(SubService.loadStatic())).rejects.toBe(script.failures[1]);
        expect(script.receivers).toEqual([SubService, SubService]);
        await expect(afterAllTimers(BaseService.loadStatic())).rejects.toBe(script.failures[5]);
        expect(script.calls).toBe(2 + 4);
      });

      it('falls back to the declaring class for a detached call', async () => {
        const { script, SubService } = createHierarchy();
        const detached = new SubService().load;
        await expect(afterAllTimers(detached())).rejects.toBe(script.failures[3]);
        expect(script.calls).toBe(4);
        expect(script.receivers).toEqual([undefined, undefined, undefined, undefined]);
      });
    });
  });
});
