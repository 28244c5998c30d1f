import { Classified, ErrorCategory, HttpError, Retry, RetryOnRateLimit } from '../../src';
import {
  afterAllTimers,
  FailureScript,
  httpErrors,
  instantRateLimit,
  instantRetry,
  thrownBy,
} from './failure-script';

/** An error only the method's own classifier knows to be retryable. */
class QuotaWobble extends Error {}
const classifyQuotaWobble = (error: unknown): ErrorCategory | undefined =>
  error instanceof QuotaWobble ? ErrorCategory.RETRYABLE : undefined;

const retryOptions = { ...instantRetry, maxAttempts: 3 };
const rateLimitOptions = { ...instantRateLimit, maxAttempts: 3 };

interface ScriptedService {
  call(): Promise<string>;
}
type ServiceFactory = (script: FailureScript) => ScriptedService;

// The same three decorators in all six orders.
const orders: ReadonlyArray<readonly [string, ServiceFactory]> = [
  [
    '@Retry @RetryOnRateLimit @Classified',
    (script) =>
      new (class {
        @Retry(retryOptions)
        @RetryOnRateLimit(rateLimitOptions)
        @Classified(classifyQuotaWobble)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
  [
    '@Retry @Classified @RetryOnRateLimit',
    (script) =>
      new (class {
        @Retry(retryOptions)
        @Classified(classifyQuotaWobble)
        @RetryOnRateLimit(rateLimitOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
  [
    '@RetryOnRateLimit @Retry @Classified',
    (script) =>
      new (class {
        @RetryOnRateLimit(rateLimitOptions)
        @Retry(retryOptions)
        @Classified(classifyQuotaWobble)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
  [
    '@RetryOnRateLimit @Classified @Retry',
    (script) =>
      new (class {
        @RetryOnRateLimit(rateLimitOptions)
        @Classified(classifyQuotaWobble)
        @Retry(retryOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
  [
    '@Classified @Retry @RetryOnRateLimit',
    (script) =>
      new (class {
        @Classified(classifyQuotaWobble)
        @Retry(retryOptions)
        @RetryOnRateLimit(rateLimitOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
  [
    '@Classified @RetryOnRateLimit @Retry',
    (script) =>
      new (class {
        @Classified(classifyQuotaWobble)
        @RetryOnRateLimit(rateLimitOptions)
        @Retry(retryOptions)
        async call(): Promise<string> {
          return script.next(this);
        }
      })(),
  ],
];

// Retry lane: 3 attempts (2 retries); rate-limit lane: 3 attempts (2 retries).
const scripts: ReadonlyArray<readonly [string, () => unknown[], number, 'resolves' | number]> = [
  [
    'wobble, 429, wobble, 429, then success',
    () => [new QuotaWobble(), new HttpError(429), new QuotaWobble(), new HttpError(429)],
    5,
    'resolves',
  ],
  [
    'wobble, 429, wobble, 429, 503: retry lane spent',
    () => [
      new QuotaWobble(),
      new HttpError(429),
      new QuotaWobble(),
      new HttpError(429),
      new HttpError(503),
    ],
    5,
    4,
  ],
  ['429 three times: rate-limit lane spent', () => httpErrors(429, 429, 429, 429), 3, 2],
  [
    'wobble three times: retry lane spent',
    () => [new QuotaWobble(), new QuotaWobble(), new QuotaWobble()],
    3,
    2,
  ],
  ['400 at once: not retried', () => httpErrors(400), 1, 0],
];

describe('stacked decorators: one wrapper, one retry loop, whatever the order', () => {
  describe.each(orders)('%s', (_order, createService) => {
    it.each(scripts)('%s', async (_script, failures, expectedCalls, outcome) => {
      const script = new FailureScript(failures());
      const result = createService(script).call();
      if (outcome === 'resolves') await expect(result).resolves.toBe('ok');
      else await expect(result).rejects.toBe(script.failures[outcome]);
      expect(script.calls).toBe(expectedCalls);
    });

    it('keeps the method name', () => {
      const service = createService(new FailureScript([]));
      expect(service.call.name).toBe('call');
    });
  });
});

describe('two lanes: @Retry({ maxAttempts: 2 }) @RetryOnRateLimit({ maxAttempts: 4 })', () => {
  class Gateway {
    constructor(readonly script: FailureScript) {}

    @Retry({ ...instantRetry, maxAttempts: 2 })
    @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 4 })
    send(): string {
      return this.script.next(this);
    }
  }

  /** The contract spelled out: each lane counts its own failures against its own cap. */
  function expectedOutcome(statuses: readonly number[]): {
    calls: number;
    gaveUpAt: number | undefined;
  } {
    const failures = { rateLimit: 0, retry: 0 };
    const caps = { rateLimit: 4, retry: 2 };
    for (const [index, status] of statuses.entries()) {
      const lane = status === 429 ? 'rateLimit' : 'retry';
      failures[lane] += 1;
      if (failures[lane] >= caps[lane]) return { calls: index + 1, gaveUpAt: index };
    }
    return { calls: statuses.length + 1, gaveUpAt: undefined };
  }

  it.each([
    ['429, 429, 429, then success', [429, 429, 429], 4, undefined],
    ['503, 503', [503, 503], 2, 1],
    ['429 four times: no fall-through into the retry lane', [429, 429, 429, 429, 429], 4, 3],
    ['503, then 429 three times, then success', [503, 429, 429, 429], 5, undefined],
    ['429, 503, 429, 429, 503', [429, 503, 429, 429, 503], 5, 4],
    ['503, 429, 503', [503, 429, 503], 3, 2],
  ])('%s: %j is called %i times', (_name, statuses, calls, gaveUpAt) => {
    const gateway = new Gateway(new FailureScript(httpErrors(...statuses)));
    if (gaveUpAt === undefined) expect(gateway.send()).toBe('ok');
    else expect(thrownBy(() => gateway.send())).toBe(gateway.script.failures[gaveUpAt]);
    expect(gateway.script.calls).toBe(calls);
    expect(expectedOutcome(statuses)).toEqual({ calls, gaveUpAt });
  });

  // Every mix of 429 and 503 of length 6: the calls never exceed 1 + 1 + 3.
  const allMixes: number[][] = Array.from({ length: 2 ** 6 }, (_, bits) =>
    Array.from({ length: 6 }, (_unused, position) => ((bits >> position) & 1 ? 429 : 503)),
  );

  it.each(allMixes.map((statuses) => [statuses.join(','), statuses] as const))(
    '%s',
    (_name, statuses) => {
      const gateway = new Gateway(new FailureScript(httpErrors(...statuses)));
      const expected = expectedOutcome(statuses);
      if (expected.gaveUpAt === undefined) expect(gateway.send()).toBe('ok');
      else expect(thrownBy(() => gateway.send())).toBe(gateway.script.failures[expected.gaveUpAt]);
      expect(gateway.script.calls).toBe(expected.calls);
      expect(gateway.script.calls).toBeLessThanOrEqual(5);
    },
  );

  it('works the same for an async method', async () => {
    const script = new FailureScript(httpErrors(503, 429, 429, 429));
    class AsyncGateway {
      @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 4 })
      @Retry({ ...instantRetry, maxAttempts: 2 })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new AsyncGateway().send()).resolves.toBe('ok');
    expect(script.calls).toBe(5);
  });
});

describe('each lane keeps its own schedule and callbacks', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('waits the retry schedule for a 503 and the rate-limit schedule for a 429', async () => {
    const log: string[] = [];
    const script = new FailureScript(httpErrors(503, 429, 503, 429));
    class Gateway {
      @Retry({
        initialDelay: 100,
        jitter: 'none',
        onRetry: (_error, attempt, delay) =>
          log.push(`retry lane: attempt ${attempt} waits ${delay}`),
      })
      @RetryOnRateLimit({
        initialDelay: 1000,
        jitter: 'proportional',
        random: () => 0.5,
        onRetry: (_error, attempt, delay) =>
          log.push(`rate-limit lane: attempt ${attempt} waits ${delay}`),
      })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    const startedAt = Date.now();
    await expect(afterAllTimers(new Gateway().send())).resolves.toBe('ok');
    expect(log).toEqual([
      'retry lane: attempt 1 waits 100',
      'rate-limit lane: attempt 2 waits 1000',
      'retry lane: attempt 3 waits 200',
      'rate-limit lane: attempt 4 waits 2000',
    ]);
    expect(Date.now() - startedAt).toBe(3300);
  });

  it('calls onGiveUp of the lane whose cap ended the call, once', async () => {
    const retryGiveUps: unknown[][] = [];
    const rateLimitGiveUps: unknown[][] = [];
    const script = new FailureScript(httpErrors(503, 429, 429));
    class Gateway {
      @Retry({ ...instantRetry, maxAttempts: 3, onGiveUp: (...args) => retryGiveUps.push(args) })
      @RetryOnRateLimit({
        ...instantRateLimit,
        maxAttempts: 2,
        onGiveUp: (...args) => rateLimitGiveUps.push(args),
      })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(afterAllTimers(new Gateway().send())).rejects.toBe(script.failures[2]);
    expect(rateLimitGiveUps).toEqual([[script.failures[2], 3]]);
    expect(retryGiveUps).toEqual([]);
  });
});

describe('@RetryOnRateLimit alone', () => {
  it('retries rate limits up to its cap', async () => {
    const script = new FailureScript(httpErrors(429, 429, 429));
    class Client {
      @RetryOnRateLimit({ ...instantRateLimit, maxAttempts: 3 })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).rejects.toBe(script.failures[2]);
    expect(script.calls).toBe(3);
  });

  it('retries 5 times by default', async () => {
    const script = new FailureScript(httpErrors(429, 429, 429, 429, 429, 429));
    class Client {
      @RetryOnRateLimit(instantRateLimit)
      send(): string {
        return script.next(this);
      }
    }
    expect(thrownBy(() => new Client().send())).toBe(script.failures[4]);
    expect(script.calls).toBe(5);
  });

  it('waits 2000 ms, doubling, up to 120000 ms by default', async () => {
    const script = new FailureScript(httpErrors(429, 429, 429, 429, 429, 429, 429, 429));
    const delays: number[] = [];
    class Client {
      // Rate-limit jitter is always on: 'proportional' with 0.5 gives the base delay itself.
      @RetryOnRateLimit({
        maxAttempts: 9,
        jitter: 'proportional',
        random: () => 0.5,
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    jest.useFakeTimers();
    try {
      await expect(afterAllTimers(new Client().send())).resolves.toBe('ok');
    } finally {
      jest.useRealTimers();
    }
    expect(delays).toEqual([2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000]);
  });

  it.each([
    ['a 503', () => new HttpError(503)],
    [
      'a network error',
      () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a plain Error', () => new Error('boom')],
  ])('rethrows %s at once', async (_name, makeError) => {
    const script = new FailureScript([makeError(), makeError()]);
    class Client {
      @RetryOnRateLimit(instantRateLimit)
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('treats the `rateLimitErrors` classes (and their subclasses) as rate limits', async () => {
    class QuotaExceeded extends Error {}
    class DailyQuotaExceeded extends QuotaExceeded {}
    const script = new FailureScript([
      new QuotaExceeded('quota'),
      new DailyQuotaExceeded('daily quota'),
    ]);
    class Client {
      @RetryOnRateLimit({ ...instantRateLimit, rateLimitErrors: [QuotaExceeded] })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).resolves.toBe('ok');
    expect(script.calls).toBe(3);
  });

  it('does not retry those classes without `rateLimitErrors`', async () => {
    class QuotaExceeded extends Error {}
    const script = new FailureScript([new QuotaExceeded('quota')]);
    class Client {
      @RetryOnRateLimit(instantRateLimit)
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).rejects.toBe(script.failures[0]);
    expect(script.calls).toBe(1);
  });

  it('recognises throttling by message and AWS name too', async () => {
    const throttled = Object.assign(new Error('Too many requests, please wait'), {
      name: 'ThrottlingException',
    });
    const script = new FailureScript([throttled, new Error('Rate limit exceeded')]);
    class Client {
      @RetryOnRateLimit(instantRateLimit)
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).resolves.toBe('ok');
    expect(script.calls).toBe(3);
  });
});

describe('@Retry alone', () => {
  it('retries a 429 on its own lane and cap', async () => {
    const script = new FailureScript(httpErrors(429, 429, 429, 429));
    class Client {
      @Retry({ ...instantRetry, maxAttempts: 3 })
      async send(): Promise<string> {
        return script.next(this);
      }
    }
    await expect(new Client().send()).rejects.toBe(script.failures[2]);
    expect(script.calls).toBe(3);
  });
});
