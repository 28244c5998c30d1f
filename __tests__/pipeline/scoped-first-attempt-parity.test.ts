import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import {
  RetryBudget,
  channelNames,
  currentAttempt,
  retryable,
  stats,
  type FunctionRetryOptions,
} from '../../src';
import { compileFunctionPipeline } from '../../src/core/with-retry';

// A pipeline whose per-call policies only scope, wrap or hedge attempts (a time limit, a hedge,
// with a budget or a fallback beside them) answers a call from its first attempt: a hedge runs the
// first step itself (call-with-retry.ts: `hedgedFirstAttempt`, the hedge's `stepFirstAttempt`), a
// time limit's race answers the call (`answeringFirstAttempt`, `wrapFirstAttempt`). Their calls
// must end exactly as the general path ends them. Each case runs twice: as is, and with an
// `onSuccess` that does nothing, which makes the pipeline take the general path; everything the
// caller can see must be the same, in the same fake millisecond.

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000 });
});

afterEach(() => {
  expect(jest.getTimerCount()).toBe(0);
  jest.useRealTimers();
});

/** One attempt: settles after `after` ms (a failure with `fails`), never settles, or throws. */
type Step = { readonly after: number; readonly fails?: boolean } | 'hang' | 'throws';

type Entry = readonly unknown[];

const functionScope = { kind: 'function', owner: undefined, source: 'test' } as const;

async function run(
  options: FunctionRetryOptions,
  plan: readonly Step[],
  abortAt: number | undefined,
): Promise<Entry[]> {
  const startedAt = Date.now();
  const log: Entry[] = [];
  const made: unknown[] = [];
  const describe = (value: unknown): unknown => {
    const index = made.indexOf(value);
    if (index !== -1) return `made #${index}`;
    if (value instanceof Error || value instanceof DOMException) {
      return `${value.constructor.name} ${value.name}: ${value.message}`;
    }
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, describe(item)]));
  };
  const note = (...entry: unknown[]): void => {
    log.push([Date.now() - startedAt, ...entry.map(describe)]);
  };
  const failure = (attempt: number): Error => {
    const error = Object.assign(new Error(`attempt ${attempt} failed`), { code: 'ECONNRESET' });
    made.push(error);
    return error;
  };
  const dependency = (_options: { signal: AbortSignal }): Promise<string> => {
    const { attempt, signal } = currentAttempt()!;
    const step = plan[Math.min(attempt, plan.length) - 1];
    note('start', attempt, signal.aborted);
    signal.addEventListener('abort', () => note('attempt aborted', attempt, signal.reason));
    if (step === 'throws') throw failure(attempt);
    return new Promise((resolve, reject) => {
      if (step === 'hang') {
        signal.addEventListener('abort', () => reject(signal.reason as Error));
        return;
      }
      const stop = (): void => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        if (step.fails === true) reject(failure(attempt));
        else resolve(`value ${attempt}`);
      }, step.after);
      signal.addEventListener('abort', stop);
    });
  };
  const caller = new AbortController();
  const reason = new Error('the caller gave up');
  made.push(reason);
  const budget = new RetryBudget();
  const listeners = channelNames.map((name) => {
    const listener = (message: unknown): void => note(name, message);
    subscribe(name, listener);
    return [name, listener] as const;
  });
  try {
    const fn = retryable(dependency, {
      ...options,
      budget,
      onRetry: (error, attempt, delay) => note('onRetry', error, attempt, delay),
      onGiveUp: (error, attempts) => note('onGiveUp', error, attempts),
    });
    if (abortAt !== undefined) setTimeout(() => caller.abort(reason), abortAt);
    fn({ signal: caller.signal }).then(
      (value) => note('resolved', value),
      (error: unknown) => note('rejected', error),
    );
    await jest.advanceTimersByTimeAsync(300);
    note('end', stats(fn), stats(budget), getEventListeners(caller.signal, 'abort').length);
  } finally {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
  }
  // Within one millisecond, only the order of microtasks may differ.
  return log
    .map((entry) => [entry, JSON.stringify(entry)] as const)
    .sort(([left, leftText], [right, rightText]) =>
      left[0] !== right[0]
        ? (left[0] as number) - (right[0] as number)
        : leftText.localeCompare(rightText),
    )
    .map(([entry]) => entry);
}

const general = { onSuccess: () => undefined };

const optionSets: readonly [string, FunctionRetryOptions][] = [
  ['a hedge', { hedge: { delay: 10 }, maxAttempts: 3, delays: [5] }],
  ['two hedges', { hedge: { delay: 10, maxHedges: 2 }, maxAttempts: 4, delays: [5] }],
  ['a hedge and a time limit', { hedge: { delay: 10 }, timeout: 25, maxAttempts: 3, delays: [5] }],
  [
    'a hedge and a fallback',
    { hedge: { delay: 10 }, fallback: { to: 'fell back' }, maxAttempts: 2, delays: [5] },
  ],
];

const plans: readonly [string, readonly Step[]][] = [
  ['the first attempt succeeds', [{ after: 5 }]],
  ['the hedge wins', [{ after: 30 }, { after: 5 }]],
  ['the first attempt fails before the hedge', [{ after: 5, fails: true }, { after: 5 }]],
  [
    'every attempt of the step fails',
    [{ after: 15, fails: true }, { after: 15, fails: true }, { after: 5 }],
  ],
  ['an attempt that never settles', ['hang', { after: 5 }]],
  ['a hedge that throws', [{ after: 30 }, 'throws', { after: 5 }]],
  ['ties in one millisecond', [{ after: 12 }, { after: 2 }]],
];

const timedOptionSets: readonly [string, FunctionRetryOptions][] = [
  ['a time limit', { timeout: 25, maxAttempts: 3, delays: [5] }],
  [
    'a time limit and a fallback',
    { timeout: 25, fallback: { to: 'fell back' }, maxAttempts: 2, delays: [5] },
  ],
];

const timedPlans: readonly [string, readonly Step[]][] = [
  ['the first attempt succeeds', [{ after: 5 }]],
  ['the first attempt fails', [{ after: 5, fails: true }, { after: 5 }]],
  ['the first attempt throws', ['throws', { after: 5 }]],
  ['the first attempt never settles', ['hang', { after: 5 }]],
  // Ignores its signal, and settles after its limit: the call is answered once, by the limit.
  ['the first attempt fails after its limit', [{ after: 40, fails: true }, { after: 5 }]],
  ['the first attempt succeeds after its limit', [{ after: 40 }, { after: 30 }, { after: 5 }]],
];

describe('a timed first attempt ends the call as the general path does', () => {
  it('the pipelines compared take the two paths', () => {
    for (const [, options] of timedOptionSets) {
      expect(compileFunctionPipeline(options, functionScope).scopedAttemptsOnly).toBe(true);
      expect(
        compileFunctionPipeline({ ...options, ...general }, functionScope).scopedAttemptsOnly,
      ).toBe(false);
    }
  });

  for (const [optionsName, options] of timedOptionSets) {
    for (const [planName, plan] of timedPlans) {
      for (const abortAt of [undefined, 3, 30]) {
        const when = abortAt === undefined ? 'no abort' : `the caller aborts at ${abortAt} ms`;
        it(`${optionsName}, ${planName}, ${when}`, async () => {
          const timed = await run(options, plan, abortAt);
          const generalPath = await run({ ...options, ...general }, plan, abortAt);
          expect(timed).toEqual(generalPath);
        });
      }
    }
  }
});

describe('a hedged first step ends the call as the general step does', () => {
  it('the pipelines compared take the two paths', () => {
    for (const [, options] of optionSets) {
      expect(compileFunctionPipeline(options, functionScope).scopedAttemptsOnly).toBe(true);
      expect(
        compileFunctionPipeline({ ...options, ...general }, functionScope).scopedAttemptsOnly,
      ).toBe(false);
    }
  });

  for (const [optionsName, options] of optionSets) {
    for (const [planName, plan] of plans) {
      for (const abortAt of [undefined, 5, 15]) {
        const when = abortAt === undefined ? 'no abort' : `the caller aborts at ${abortAt} ms`;
        it(`${optionsName}, ${planName}, ${when}`, async () => {
          const hedged = await run(options, plan, abortAt);
          const generalStep = await run({ ...options, ...general }, plan, abortAt);
          expect(hedged).toEqual(generalStep);
        });
      }
    }
  }

  it('every attempt of the step failed: the loop retries with the next number', async () => {
    const log = await run(
      { hedge: { delay: 10 }, maxAttempts: 3, delays: [5] },
      [{ after: 15, fails: true }, { after: 15, fails: true }, { after: 5 }],
      undefined,
    );
    expect(log.filter((entry) => entry[1] === 'start').map((entry) => entry[2])).toEqual([1, 2, 3]);
    expect(log).toContainEqual([25, 'onRetry', 'made #2', 2, 5]);
    expect(log).toContainEqual([35, 'resolved', 'value 3']);
  });
});
