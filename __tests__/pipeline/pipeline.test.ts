import { HttpError, Retry, retryable, withRetry, type FunctionRetryOptions } from '../../src';
import { callAsynchronouslyWithRetry, callThroughPolicies } from '../../src/core/call-with-retry';
import {
  compilePipeline,
  countFastCall,
  policyOrder,
  type CallRecord,
  type PipelinePolicy,
  type PolicyKind,
} from '../../src/core/pipeline';
import { createRetryPolicy } from '../../src/policy/retry-policy';

// The compiled pipeline (src/core/pipeline.ts): policies in the fixed order of DESIGN 1b whatever
// order they come in, each hook gathered into its own list, and the hook set able to carry the
// policies still to come (a queue that admits later, a timeout that wraps an attempt).

const lanes = () =>
  createRetryPolicy({ retry: [{ maxAttempts: 3, initialDelay: 10, jitter: 'none' }] });

/** A policy of `kind` that logs each of its hooks as `kind:hook`. */
function loggingPolicy(kind: PolicyKind, log: string[], overrides: Partial<PipelinePolicy> = {}) {
  const policy: PipelinePolicy = {
    kind,
    admitCall: () => {
      log.push(`${kind}:admitCall`);
    },
    admitAttempt: (call: CallRecord) => {
      log.push(`${kind}:admitAttempt ${call.attempt}`);
      return true;
    },
    refusal: () => new Error('refused'),
    wrapAttempt: (_call, run) => {
      log.push(`${kind}:wrapAttempt`);
      return run();
    },
    attemptEnded: (_call, outcome) => {
      log.push(`${kind}:attemptEnded ${outcome.failed ? 'failed' : 'succeeded'}`);
    },
    vetoRetry: () => {
      log.push(`${kind}:vetoRetry`);
      return false;
    },
    settleCall: (_call, outcome) => {
      log.push(`${kind}:settleCall ${outcome.failed ? 'failed' : 'succeeded'}`);
    },
    ...overrides,
  };
  return policy;
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

describe('compilePipeline', () => {
  it('orders policies as DESIGN 1b, whatever order they are given in', () => {
    const kinds: PolicyKind[] = [
      'timeout',
      'budget',
      'circuit-breaker',
      'fallback',
      'rate-limiter',
    ];
    const expected = policyOrder.filter((kind) => kinds.includes(kind));
    for (const given of [
      kinds,
      [...kinds].reverse(),
      [kinds[2], kinds[0], kinds[4], kinds[1], kinds[3]],
    ]) {
      const pipeline = compilePipeline(
        lanes(),
        given.map((kind) => ({ kind })),
      );
      expect(pipeline.policies.map((policy) => policy.kind)).toEqual(expected);
    }
  });

  it('gathers each hook into its own list, so an absent hook is no entry at all', () => {
    const counted: PipelinePolicy = {
      kind: 'budget',
      countCall: () => undefined,
      vetoRetry: () => false,
    };
    const lean = compilePipeline(lanes(), [counted]);
    expect(lean.guarded).toBe(false);
    expect(lean.admitAttempt).toHaveLength(0);
    expect(lean.settleCall).toHaveLength(0);
    expect(lean.vetoRetry).toEqual([counted]);
    expect(lean.callCounter).toBe(counted);
    const bare = compilePipeline(lanes());
    expect(bare.guarded).toBe(false);
    // Without a counting policy, a call is counted by the `calls` counter of stats() alone.
    expect(bare.callCounter).toBeUndefined();
    countFastCall(bare);
    countFastCall(lean);
    expect([bare.statistics.calls, lean.statistics.calls]).toEqual([1, 1]);
    expect(
      compilePipeline(lanes(), [{ kind: 'circuit-breaker', admitAttempt: () => true }]).guarded,
    ).toBe(true);
  });

  it('assigns per-call slots to the policies that keep state', () => {
    const first: PipelinePolicy = { kind: 'circuit-breaker', callStateSlots: 2 };
    const second: PipelinePolicy = { kind: 'timeout', callStateSlots: 1 };
    const pipeline = compilePipeline(lanes(), [second, first]);
    expect([first.slot, second.slot, pipeline.slotCount]).toEqual([0, 2, 3]);
  });
});

describe('a call through the hooks', () => {
  it('runs call hooks outermost first, attempt hooks around each attempt, vetoes innermost first', async () => {
    const log: string[] = [];
    const pipeline = compilePipeline(lanes(), [
      loggingPolicy('timeout', log),
      loggingPolicy('concurrency-limit', log, {
        admitAttempt: undefined,
        wrapAttempt: undefined,
        attemptEnded: undefined,
      }),
      loggingPolicy('budget', log, {
        admitCall: undefined,
        admitAttempt: undefined,
        wrapAttempt: undefined,
        attemptEnded: undefined,
        settleCall: undefined,
      }),
    ]);
    let attempts = 0;
    const call = callAsynchronouslyWithRetry(
      pipeline,
      async () => {
        attempts += 1;
        if (attempts === 1) throw new HttpError(503);
        return 'ok';
      },
      undefined,
      [],
    );
    await jest.advanceTimersByTimeAsync(10);
    await expect(call).resolves.toBe('ok');
    expect(log).toEqual([
      'concurrency-limit:admitCall',
      'timeout:admitCall',
      'timeout:admitAttempt 1',
      'timeout:wrapAttempt',
      'timeout:attemptEnded failed',
      'timeout:vetoRetry',
      'budget:vetoRetry',
      'concurrency-limit:vetoRetry',
      'timeout:admitAttempt 2',
      'timeout:wrapAttempt',
      'timeout:attemptEnded succeeded',
      'timeout:settleCall succeeded',
      'concurrency-limit:settleCall succeeded',
    ]);
  });

  it('lets a call wait for admission (a queue) and be released when it settles', async () => {
    let release: (() => void) | undefined;
    const settled: string[] = [];
    const queue: PipelinePolicy = {
      kind: 'concurrency-limit',
      admitCall: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      settleCall: (_call, outcome) => {
        settled.push(outcome.failed ? 'failed' : 'succeeded');
      },
    };
    const pipeline = compilePipeline(lanes(), [queue]);
    const method = jest.fn(() => 'value');
    const result = callThroughPolicies(pipeline, method, undefined, [], {
      answersWithPromise: false,
      asynchronousFunction: false,
      alwaysAsynchronous: false,
    });
    expect(result).toBeInstanceOf(Promise); // a queued call answers with a promise
    await Promise.resolve();
    expect(method).not.toHaveBeenCalled();
    release!();
    await expect(result).resolves.toBe('value');
    expect(settled).toEqual(['succeeded']);
  });

  it('lets a policy wrap an attempt, as a timeout would, and see its failure retried', async () => {
    const timeout: PipelinePolicy = {
      kind: 'timeout',
      wrapAttempt: (call, run) =>
        call.attempt === 1 ? Promise.reject(new HttpError(504, {}, 'attempt timed out')) : run(),
    };
    const pipeline = compilePipeline(lanes(), [timeout]);
    const call = callAsynchronouslyWithRetry(pipeline, async () => 'second attempt', undefined, []);
    await jest.advanceTimersByTimeAsync(10);
    await expect(call).resolves.toBe('second attempt');
  });

  it('a refused first attempt fails with the refusal; a refused retry with the last real error', async () => {
    let open = false;
    const refusal = new Error('open');
    const breaker: PipelinePolicy = {
      kind: 'circuit-breaker',
      admitAttempt: () => !open,
      refusal: () => refusal,
    };
    const pipeline = compilePipeline(lanes(), [breaker]);
    const real = new HttpError(503);
    const call = callAsynchronouslyWithRetry(
      pipeline,
      async () => {
        open = true;
        throw real;
      },
      undefined,
      [],
    );
    const settled = expect(call).rejects.toBe(real);
    await jest.advanceTimersByTimeAsync(10);
    await settled;
    await expect(callAsynchronouslyWithRetry(pipeline, async () => 1, undefined, [])).rejects.toBe(
      refusal,
    );
  });
});

describe('onSuccess', () => {
  it('is told the result and the attempts, after any attempt, sync and async, never on failure', async () => {
    const onSuccess = jest.fn();
    let attempts = 0;
    class Service {
      @Retry({ maxAttempts: 3, delays: [0], onSuccess, budget: false })
      sync(failures: number): string {
        attempts += 1;
        if (attempts <= failures) throw new HttpError(503);
        return `after ${attempts}`;
      }

      @Retry({ maxAttempts: 2, delays: [5], onSuccess, budget: false })
      async asynchronous(): Promise<string> {
        throw new HttpError(503);
      }
    }
    const service = new Service();
    expect(service.sync(0)).toBe('after 1');
    attempts = 0;
    expect(service.sync(2)).toBe('after 3');
    expect(onSuccess.mock.calls).toEqual([
      ['after 1', 1],
      ['after 3', 3],
    ]);
    const failing = expect(service.asynchronous()).rejects.toThrow(HttpError);
    await jest.advanceTimersByTimeAsync(5);
    await failing;
    expect(onSuccess).toHaveBeenCalledTimes(2);
  });

  it('what it throws ends the call, with the result as its cause', async () => {
    const thrown = new Error('hook bug');
    await expect(
      withRetry(async () => 'result', {
        onSuccess: () => {
          throw thrown;
        },
      }),
    ).rejects.toBe(thrown);
    expect(thrown.cause).toBe('result');
  });

  it('an async hook’s rejection (onSuccess, onRetry, onGiveUp) is a TenaciousWarning, not an unhandled rejection', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const rejecting = (name: string) => async () => {
        throw new Error(`${name} failed`);
      };
      let attempts = 0;
      await expect(
        withRetry(
          async () => {
            attempts += 1;
            if (attempts === 1) throw new HttpError(503);
            return 'ok';
          },
          { delays: [0], onSuccess: rejecting('onSuccess'), onRetry: rejecting('onRetry') },
        ),
      ).resolves.toBe('ok');
      await expect(
        withRetry(() => Promise.reject(new HttpError(400)), { onGiveUp: rejecting('onGiveUp') }),
      ).rejects.toThrow(HttpError);
      await Promise.resolve(); // the reports run in reactions to the hooks' promises
      const reported = emitWarning.mock.calls.map(([warning]) => warning as Error);
      expect(reported.map((warning) => (warning.cause as Error).message).sort()).toEqual([
        'onGiveUp failed',
        'onRetry failed',
        'onSuccess failed',
      ]);
      for (const warning of reported) {
        expect(warning).toMatchObject({
          name: 'TenaciousWarning',
          code: 'TENACIOUS_LISTENER_THREW',
        });
      }
    } finally {
      emitWarning.mockRestore();
    }
  });
});

describe('delays', () => {
  it('an array: each retry waits its entry, the last one repeats; no jitter by default', async () => {
    const waits: number[] = [];
    const call = withRetry(
      async () => {
        throw new HttpError(503);
      },
      { maxAttempts: 5, delays: [10, 20, 30], onRetry: (_e, _a, delay) => waits.push(delay) },
    );
    const settled = expect(call).rejects.toThrow(HttpError);
    await jest.advanceTimersByTimeAsync(200);
    await settled;
    expect(waits).toEqual([10, 20, 30, 30]);
  });

  it('a function of the attempt and the error, capped by maxDelay; a bad return names the option', async () => {
    const waits: number[] = [];
    const fn = retryable(
      (): never => {
        throw new HttpError(503);
      },
      {
        maxAttempts: 4,
        maxDelay: 25,
        delays: (attempt, error) => attempt * 10 + ((error as HttpError).status === 503 ? 1 : 0),
        onRetry: (_e, _a, delay) => waits.push(delay),
        random: () => 0,
        budget: false,
      },
    );
    jest.useRealTimers(); // a synchronous retry blocks for its delay: keep these tiny
    expect(fn).toThrow(HttpError);
    expect(waits).toEqual([11, 21, 25]);
    jest.useFakeTimers();

    await expect(
      withRetry(
        async () => {
          throw new HttpError(503);
        },
        { delays: () => -1 },
      ),
    ).rejects.toThrow(/option "delays" returned -1/);
  });

  it.each([
    [[], /delays/],
    [[10, -1], /delays/],
    ['100', /delays/],
    [[10, Number.NaN], /delays/],
  ])('refuses %p at definition, naming the option', (delays, message) => {
    expect(() => Retry({ delays: delays as never })).toThrow(message);
  });
});

describe('withRetry with one options object', () => {
  it('uses the options as they are at each call: a change is never missed', async () => {
    const options: FunctionRetryOptions = { maxAttempts: 2, delays: [0] };
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      throw new HttpError(503);
    };
    await expect(withRetry(failing, options)).rejects.toThrow(HttpError);
    expect(attempts).toBe(2);
    options.maxAttempts = 3;
    await expect(withRetry(failing, options)).rejects.toThrow(HttpError);
    expect(attempts).toBe(5);
    delete options.maxAttempts;
    options.retryCategories = [];
    expect(() => withRetry(failing, options)).toThrow(/retryCategories/);
  });
});

describe('a policy whose user code throws while an async attempt is judged', () => {
  it('still settles the call, so that what admission took is given back', async () => {
    const settled: string[] = [];
    const slot: PipelinePolicy = {
      kind: 'concurrency-limit',
      admitCall: () => undefined,
      settleCall: (_call, outcome) => {
        settled.push(outcome.failed ? `failed: ${String(outcome.error)}` : 'succeeded');
      },
    };
    const classifierBug = new Error('classifier bug');
    const judge: PipelinePolicy = {
      kind: 'circuit-breaker',
      admitAttempt: () => true,
      refusal: () => new Error('refused'),
      attemptEnded: () => {
        throw classifierBug;
      },
    };
    const pipeline = compilePipeline(lanes(), [slot, judge]);
    const result = callThroughPolicies(pipeline, async () => 'value', undefined, [], {
      answersWithPromise: true,
      asynchronousFunction: false,
      alwaysAsynchronous: false,
    });
    await expect(result).rejects.toBe(classifierBug);
    expect(settled).toEqual(['failed: Error: classifier bug']);
  });
});
