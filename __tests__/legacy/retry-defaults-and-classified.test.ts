import 'reflect-metadata';
import {
  Classified,
  ErrorCategory,
  HttpError,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  type Classifier,
} from '../../src';
import {
  afterAllTimers,
  FailureScript,
  httpErrors,
  instantRateLimit,
  instantRetry,
} from '../decorators/failure-script';

describe('legacy @RetryDefaults', () => {
  it('gives decorated methods the class defaults, and leaves undecorated methods alone', async () => {
    const decorated = new FailureScript(httpErrors(503, 503, 503, 503));
    const undecorated = new FailureScript(httpErrors(503));
    @RetryDefaults({ ...instantRetry, maxAttempts: 5 })
    class Service {
      @Retry()
      async load(): Promise<string> {
        return decorated.next(this);
      }

      async plain(): Promise<string> {
        return undecorated.next(this);
      }
    }
    const service = new Service();
    await expect(service.load()).resolves.toBe('ok');
    await expect(service.plain()).rejects.toBe(undecorated.failures[0]);
    expect(decorated.calls).toBe(5);
    expect(undecorated.calls).toBe(1);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      expect(jest.getTimerCount()).toBe(0);
      jest.useRealTimers();
    });

    it('is overridden field by field by the method options', async () => {
      const delays: number[] = [];
      const script = new FailureScript(httpErrors(503, 503, 503, 503));
      @RetryDefaults({
        maxAttempts: 5,
        initialDelay: 7,
        maxDelay: 7,
        jitter: 'none',
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      })
      class Service {
        @Retry({ maxAttempts: 3 })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(afterAllTimers(new Service().load())).rejects.toBe(script.failures[2]);
      expect(delays).toEqual([7, 7]);
    });

    it("uses a subclass's defaults, merged over the base's field by field (nested rateLimit too), for inherited and static methods", async () => {
      const log: string[] = [];
      const script = new FailureScript<string>(httpErrors(503, 503, 503, 503, 503, 503, 503, 503));
      const throttleScript = new FailureScript<string>(httpErrors(429, 429, 429, 429, 429));

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

      const service = new SubService();
      await expect(afterAllTimers(service.load())).rejects.toBe(script.failures[1]);
      await expect(afterAllTimers(service.throttled())).rejects.toBe(throttleScript.failures[2]);
      expect(log).toEqual(['retry 1: 10', 'rate limit 1: 50', 'rate limit 2: 50']);
      expect(script.calls).toBe(2);
      expect(throttleScript.calls).toBe(3);

      await expect(afterAllTimers(SubService.loadStatic())).rejects.toBe(script.failures[3]);
      expect(script.receivers.slice(2)).toEqual([SubService, SubService]);

      await expect(afterAllTimers(new BaseService().load())).rejects.toBe(script.failures[7]);
      expect(script.calls).toBe(2 + 2 + 4);
    });
  });
});

class MethodError extends Error {}
class SubclassError extends Error {}
class BaseError extends Error {}

function spyClassifier(
  log: string[],
  label: string,
  errorClass: new () => Error,
  category: ErrorCategory,
): Classifier {
  return (error) => {
    log.push(label);
    return error instanceof errorClass ? category : undefined;
  };
}

describe('legacy @Classified', () => {
  function createHierarchy(log: string[], script: FailureScript) {
    @Classified(spyClassifier(log, 'base', BaseError, ErrorCategory.RETRYABLE))
    class BaseService {
      @Classified(spyClassifier(log, 'method', MethodError, ErrorCategory.RETRYABLE))
      @Retry({ ...instantRetry, maxAttempts: 2 })
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    @Classified(spyClassifier(log, 'subclass', SubclassError, ErrorCategory.RETRYABLE))
    class SubService extends BaseService {}
    return { BaseService, SubService };
  }

  it.each([
    ['its own error: the method classifier', () => new MethodError(), ['method'], 2],
    [
      'the subclass error: the subclass classifier',
      () => new SubclassError(),
      ['method', 'subclass'],
      2,
    ],
    [
      'the base error: the base classifier',
      () => new BaseError(),
      ['method', 'subclass', 'base'],
      2,
    ],
    [
      'a 503: everybody defers to classifyError',
      () => new HttpError(503),
      ['method', 'subclass', 'base'],
      2,
    ],
    [
      'an unknown error: non-retryable',
      () => new Error('unknown'),
      ['method', 'subclass', 'base'],
      1,
    ],
  ])(
    'chain order method, subclass, base, classifyError: decides %s',
    async (_case, makeError, consulted, calls) => {
      const log: string[] = [];
      const script = new FailureScript([makeError()]);
      const { SubService } = createHierarchy(log, script);
      const result = new SubService().load();
      if (calls === 2) await expect(result).resolves.toBe('ok');
      else await expect(result).rejects.toBe(script.failures[0]);
      expect(log).toEqual(consulted);
      expect(script.calls).toBe(calls);
    },
  );

  it('does not consult a subclass classifier for a base instance', async () => {
    const log: string[] = [];
    const script = new FailureScript([new SubclassError()]);
    const { BaseService } = createHierarchy(log, script);
    await expect(new BaseService().load()).rejects.toBe(script.failures[0]);
    expect(log).toEqual(['method', 'base']);
  });

  it('consults the `classifier` option first', async () => {
    const log: string[] = [];
    const script = new FailureScript([new MethodError()]);
    class Service {
      @Classified(spyClassifier(log, 'method', MethodError, ErrorCategory.RETRYABLE))
      @Retry({
        ...instantRetry,
        classifier: spyClassifier(log, 'option', MethodError, ErrorCategory.NON_RETRYABLE),
      })
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).rejects.toBe(script.failures[0]);
    expect(log).toEqual(['option']);
  });

  it('works on a class with @RetryOnRateLimit methods too', async () => {
    const script = new FailureScript(httpErrors(429));
    @Classified(() => ErrorCategory.NON_RETRYABLE)
    class Service {
      @RetryOnRateLimit(instantRateLimit)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    // Rate limits are recognised by isRateLimitError, whatever the classifiers say.
    await expect(new Service().load()).resolves.toBe('ok');
    expect(script.calls).toBe(2);
  });
});
