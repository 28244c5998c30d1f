import 'reflect-metadata';
import { Classified, ErrorCategory, Retry, RetryDefaults, RetryOnRateLimit } from '../../src';
import {
  FailureScript,
  httpErrors,
  instantRateLimit,
  instantRetry,
} from '../decorators/failure-script';

// tsconfig.legacy.json has emitDecoratorMetadata on, so TypeScript adds its own `design:*`
// metadata decorators next to ours, as in a NestJS or Angular project.

class Dependency {}

/** Like NestJS's `SetMetadata`: a method decorator keeps its data on the method function itself. */
function SetMetadata(key: string, value: unknown): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(key, value, descriptor.value as object);
  };
}

describe('legacy decorators with emitDecoratorMetadata', () => {
  function createService(script: FailureScript) {
    @RetryDefaults({ ...instantRetry, maxAttempts: 4 })
    @Classified(() => undefined)
    class Service {
      constructor(readonly dependency: Dependency) {}

      @Retry()
      @RetryOnRateLimit(instantRateLimit)
      async find(id: string, limit: number): Promise<string> {
        return script.next(this, id, limit);
      }

      @Retry()
      static count(scope: Dependency): number {
        return script.next(this, scope).length;
      }
    }
    return Service;
  }

  it('keeps the design-time types TypeScript emits', () => {
    const Service = createService(new FailureScript([]));
    expect(Reflect.getMetadata('design:paramtypes', Service)).toEqual([Dependency]);
    expect(Reflect.getMetadata('design:type', Service.prototype, 'find')).toBe(Function);
    expect(Reflect.getMetadata('design:paramtypes', Service.prototype, 'find')).toEqual([
      String,
      Number,
    ]);
    expect(Reflect.getMetadata('design:returntype', Service.prototype, 'find')).toBe(Promise);
    expect(Reflect.getMetadata('design:paramtypes', Service, 'count')).toEqual([Dependency]);
    expect(Reflect.getMetadata('design:returntype', Service, 'count')).toBe(Number);
  });

  it('still retries the decorated methods with the class defaults', async () => {
    const script = new FailureScript(httpErrors(503, 429, 503, 503));
    const Service = createService(script);
    const dependency = new Dependency();
    const service = new Service(dependency);
    await expect(service.find('a', 2)).resolves.toBe('ok');
    expect(script.calls).toBe(5); // retry lane: 3 failures under the class's 4 attempts; rate-limit lane: 1
    expect(service.dependency).toBe(dependency);
    expect(script.argumentLists.every(([id, limit]) => id === 'a' && limit === 2)).toBe(true);
  });

  it('retries a static method', () => {
    const script = new FailureScript(httpErrors(503, 503), 'abc');
    const Service = createService(script);
    expect(Service.count(new Dependency())).toBe(3);
    expect(script.calls).toBe(3);
  });

  it('leaves metadata set on the method function by a decorator applied after @Retry', () => {
    class Controller {
      @SetMetadata('role', 'admin')
      @Retry()
      async list(): Promise<void> {}
    }
    expect(Reflect.getMetadata('role', Controller.prototype.list)).toBe('admin');
  });

  it('keeps metadata set on the method function by a decorator applied before @Retry', () => {
    class Controller {
      @Retry()
      @SetMetadata('role', 'admin')
      async list(): Promise<void> {}
    }
    expect(Reflect.getMetadata('role', Controller.prototype.list)).toBe('admin');
  });

  it('keeps its own class metadata apart from other reflect-metadata keys', () => {
    @Reflect.metadata('owner', 'team-a')
    @RetryDefaults({ maxAttempts: 2 })
    class Service {
      @Retry()
      async load(): Promise<void> {}
    }
    expect(Reflect.getMetadata('owner', Service)).toBe('team-a');
    expect(Reflect.getMetadataKeys(Service)).toEqual(expect.arrayContaining(['owner']));
  });

  it('classifies with a class classifier alongside the emitted metadata', async () => {
    class Wobble extends Error {}
    const script = new FailureScript([new Wobble()]);
    @Classified((error) => (error instanceof Wobble ? ErrorCategory.NETWORK : undefined))
    class Service {
      @Retry(instantRetry)
      async load(_id: string): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Service().load('x')).resolves.toBe('ok');
    expect(script.calls).toBe(2);
  });
});
