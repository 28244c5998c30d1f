import {
  Classified,
  ErrorCategory,
  HttpError,
  Retry,
  RetryDefaults,
  type Classifier,
} from '../../src';
import { FailureScript, instantRetry } from './failure-script';

class MethodError extends Error {}
class SubclassError extends Error {}
class BaseError extends Error {}

/**
 * A classifier that records that it was asked, and has an opinion only about `errorClass`.
 * `log` shows the order in which the chain consulted its classifiers.
 */
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

describe('@Classified', () => {
  it('on a method: decides what the method retries', async () => {
    const script = new FailureScript([new MethodError(), new MethodError()]);
    class Service {
      @Classified((error) => (error instanceof MethodError ? ErrorCategory.RETRYABLE : undefined))
      @Retry(instantRetry)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).resolves.toBe('ok');
    expect(script.calls).toBe(3);
  });

  it('on a method: can stop a retry the built-in classifier would make', async () => {
    const script = new FailureScript([new HttpError(503)]);
    class Service {
      @Retry(instantRetry)
      @Classified(() => ErrorCategory.NON_RETRYABLE)
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('on the class: applies to every decorated method', async () => {
    const first = new FailureScript([new BaseError()]);
    const second = new FailureScript([new BaseError()]);
    @Classified((error) => (error instanceof BaseError ? ErrorCategory.TIMEOUT : undefined))
    class Service {
      @Retry(instantRetry)
      async first(): Promise<string> {
        return first.next(this);
      }

      @Retry(instantRetry)
      second(): string {
        return second.next(this);
      }
    }
    const service = new Service();
    await expect(service.first()).resolves.toBe('ok');
    expect(service.second()).toBe('ok');
    expect(first.calls).toBe(2);
    expect(second.calls).toBe(2);
  });

  it('on the class: does not make an undecorated method retry', async () => {
    const script = new FailureScript([new BaseError()]);
    @Classified(() => ErrorCategory.RETRYABLE)
    class Service {
      async load(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  describe('the chain: method, then subclass, then base, then classifyError', () => {
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
        'an unknown error: classifyError says non-retryable',
        () => new Error('unknown'),
        ['method', 'subclass', 'base'],
        1,
      ],
    ])('decides %s', async (_case, makeError, firstConsulted, calls) => {
      const log: string[] = [];
      const script = new FailureScript([makeError()]);
      const { SubService } = createHierarchy(log, script);
      const result = new SubService().load();
      if (calls === 2) await expect(result).resolves.toBe('ok');
      else await expect(result).rejects.toBe(script.failures[0]);
      expect(log).toEqual(firstConsulted);
      expect(script.calls).toBe(calls);
    });

    it('does not consult a subclass classifier for a base instance', async () => {
      const log: string[] = [];
      const script = new FailureScript([new SubclassError()]);
      const { BaseService } = createHierarchy(log, script);
      await expect(new BaseService().load()).rejects.toBe(script.failures[0]);
      expect(log).toEqual(['method', 'base']);
      expect(script.calls).toBe(1);
    });

    it('lets the first classifier with an answer win over later ones', async () => {
      const log: string[] = [];
      const script = new FailureScript([new SubclassError()]);
      @Classified(spyClassifier(log, 'base', SubclassError, ErrorCategory.RETRYABLE))
      class BaseService {
        @Retry(instantRetry)
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      @Classified(spyClassifier(log, 'subclass', SubclassError, ErrorCategory.NON_RETRYABLE))
      class SubService extends BaseService {}
      await expect(new SubService().load()).rejects.toBe(script.failures[0]);
      expect(log).toEqual(['subclass']);
      expect(script.calls).toBe(1);
    });

    it('consults stacked classifiers top first, on a method and on a class', async () => {
      const log: string[] = [];
      const script = new FailureScript([new Error('unknown')]);
      @Classified(spyClassifier(log, 'class top', BaseError, ErrorCategory.RETRYABLE))
      @Classified(spyClassifier(log, 'class bottom', BaseError, ErrorCategory.RETRYABLE))
      class Service {
        @Classified(spyClassifier(log, 'method top', MethodError, ErrorCategory.RETRYABLE))
        @Retry(instantRetry)
        @Classified(spyClassifier(log, 'method bottom', MethodError, ErrorCategory.RETRYABLE))
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(new Service().load()).rejects.toBe(script.failures[0]);
      expect(log).toEqual(['method top', 'method bottom', 'class top', 'class bottom']);
    });
  });

  describe('the `classifier` option', () => {
    it('is consulted before the method and class classifiers', async () => {
      const log: string[] = [];
      const script = new FailureScript([new MethodError()]);
      @Classified(spyClassifier(log, 'class', MethodError, ErrorCategory.RETRYABLE))
      class Service {
        @Classified(spyClassifier(log, 'method', MethodError, ErrorCategory.RETRYABLE))
        @Retry({
          ...instantRetry,
          classifier: spyClassifier(log, 'option', MethodError, ErrorCategory.AUTH_FAILURE),
        })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(new Service().load()).rejects.toBe(script.failures[0]);
      expect(log).toEqual(['option']);
      expect(script.calls).toBe(1);
    });

    it('defers to the rest of the chain when it returns undefined', async () => {
      const log: string[] = [];
      const script = new FailureScript([new BaseError()]);
      @Classified(spyClassifier(log, 'class', BaseError, ErrorCategory.NETWORK))
      class Service {
        @Retry({
          ...instantRetry,
          classifier: spyClassifier(log, 'option', MethodError, ErrorCategory.NON_RETRYABLE),
        })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(new Service().load()).resolves.toBe('ok');
      expect(log).toEqual(['option', 'class']);
      expect(script.calls).toBe(2);
    });

    it("is consulted first; the class default's classifier keeps its place as a class classifier", async () => {
      const log: string[] = [];
      const script = new FailureScript([new BaseError()]);
      @RetryDefaults({
        classifier: spyClassifier(log, 'class default', BaseError, ErrorCategory.RETRYABLE),
      })
      class Service {
        @Retry({
          ...instantRetry,
          classifier: spyClassifier(log, 'method option', MethodError, ErrorCategory.RETRYABLE),
        })
        async load(): Promise<string> {
          return script.next(this);
        }
      }
      await expect(new Service().load()).resolves.toBe(script.result);
      expect(log).toEqual(['method option', 'class default']);
    });
  });

  it('rejects a classifier answer that is not an ErrorCategory with a TypeError', async () => {
    const notACategory = (() => 'maybe') as unknown as Classifier;
    class Service {
      @Retry(instantRetry)
      @Classified(notACategory)
      async load(): Promise<string> {
        throw new HttpError(503);
      }
    }
    const rejection = new Service().load();
    await expect(rejection).rejects.toThrow(TypeError);
    await expect(rejection).rejects.toThrow(
      'tenacious: a classifier returned "maybe"; expected an ErrorCategory or undefined',
    );
    await expect(rejection).rejects.toHaveProperty('cause', expect.any(HttpError));
  });

  it('lets an error thrown by a classifier propagate', async () => {
    const classifierFailure = new Error('classifier bug');
    class Service {
      @Retry(instantRetry)
      @Classified(() => {
        throw classifierFailure;
      })
      async load(): Promise<string> {
        throw new HttpError(503);
      }
    }
    await expect(new Service().load()).rejects.toBe(classifierFailure);
  });
});
