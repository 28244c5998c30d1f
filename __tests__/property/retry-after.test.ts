import fc from 'fast-check';
import {
  calculateBackoffDelay,
  withRetry,
  type JitterOption,
  type RateLimitOptions,
} from '../../src';
import {
  allJitters,
  anyValue,
  cyclingRandom,
  delayPair,
  holds,
  rateLimitJitters,
  unitDraws,
  wholeDelayPair,
} from './arbitraries';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { Recording, settleCall } from './recording';

// Retry-After as servers (and broken servers) send it, read through a real retrying call: the delay
// onRetry reports, and the sleep that follows, are max(backoff, Retry-After) clamped to maxDelay,
// and a value that cannot be read is ignored. Never a negative, NaN or infinite sleep.

const now = Date.UTC(2030, 5, 15, 12, 0, 0, 250);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** One header as sent, and the wait in ms it asks for (undefined: it must be ignored). */
interface RetryAfterCase {
  readonly name: string;
  readonly value: unknown;
  readonly wait: number | undefined;
}

const secondsNames = fc.constantFrom('retry-after', 'Retry-After', 'RETRY-AFTER');
const millisecondNames = fc.constantFrom(
  'retry-after-ms',
  'x-amz-retry-after',
  'X-Amz-Retry-After',
);

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** asctime: `Sun Nov  6 08:49:37 1994`, which has no zone and means GMT. */
function asctime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const time = `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  return `${weekdays[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()}`;
}

const wellFormed: fc.Arbitrary<RetryAfterCase> = fc.oneof(
  fc
    .tuple(secondsNames, fc.nat({ max: 100_000 }))
    .map(([name, seconds]) => ({ name, value: String(seconds), wait: seconds * 1000 })),
  fc
    .tuple(secondsNames, fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 999 }))
    .map(([name, whole, thousandths]) => ({
      name,
      value: `${whole}.${String(thousandths).padStart(3, '0')}`,
      wait: whole * 1000 + thousandths,
    })),
  fc
    .tuple(millisecondNames, fc.nat({ max: 10_000_000 }))
    .map(([name, milliseconds]) => ({ name, value: String(milliseconds), wait: milliseconds })),
  // A number where a string is expected, as some clients hand headers over.
  fc
    .tuple(secondsNames, fc.nat({ max: 100_000 }))
    .map(([name, seconds]) => ({ name, value: seconds, wait: seconds * 1000 })),
  // A header sent twice: an array (undici) or a joined list (fetch's Headers.get).
  fc
    .tuple(secondsNames, fc.nat({ max: 1000 }), fc.nat({ max: 1000 }))
    .map(([name, first, second]) => ({
      name,
      value: [String(first), String(second)],
      wait: first * 1000,
    })),
  fc
    .tuple(secondsNames, fc.nat({ max: 1000 }), fc.nat({ max: 1000 }))
    .map(([name, first, second]) => ({ name, value: `${first}, ${second}`, wait: first * 1000 })),
  // HTTP-dates, in the past (wait 0) and in the future; second resolution.
  fc
    .tuple(secondsNames, fc.integer({ min: -1e11, max: 1e11 }), fc.boolean())
    .map(([name, offset, imf]) => {
      const date = new Date(now + offset);
      const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
      return {
        name,
        value: imf ? date.toUTCString() : asctime(date),
        wait: Math.max(0, wholeSeconds - now),
      };
    }),
);

/** Absurdly large waits: clamped to maxDelay (Infinity stands for "more than any maxDelay"). */
const absurd: fc.Arbitrary<RetryAfterCase> = fc.oneof(
  fc
    .tuple(fc.oneof(secondsNames, millisecondNames), fc.integer({ min: 13, max: 400 }))
    .map(([name, digits]) => ({ name, value: '9'.repeat(digits), wait: Infinity })),
  fc
    .tuple(secondsNames, fc.integer({ min: 2_147_484, max: Number.MAX_SAFE_INTEGER }))
    .map(([name, seconds]) => ({ name, value: String(seconds), wait: Infinity })),
  secondsNames.map((name) => ({ name, value: 'Fri, 31 Dec 9999 23:59:59 GMT', wait: Infinity })),
);

/** Values that cannot be read: ignored, whatever the name. */
const malformed: fc.Arbitrary<RetryAfterCase> = fc
  .tuple(
    fc.oneof(secondsNames, millisecondNames),
    fc.oneof(
      fc.constantFrom<unknown>(
        '-5',
        '-0.5',
        'NaN',
        'Infinity',
        '-Infinity',
        '1e3',
        '0x10',
        '+5',
        '.5',
        '5.',
        '5s',
        '5 seconds',
        '',
        '   ',
        'soon',
        'Wed, 21 Oct',
        -5,
        -0.001,
        NaN,
        Infinity,
        -Infinity,
        1e21,
        null,
        true,
        {},
        [],
        [-5],
        [null, '5'],
      ),
      // No digit at all: neither a number nor an HTTP-date.
      fc.string().filter((text) => !/\d/.test(text)),
    ),
  )
  .map(([name, value]) => ({ name, value, wait: undefined }));

type Placement = 'headers' | 'response.headers' | '$response.headers' | 'result headers';
const placements = fc.constantFrom<Placement>(
  'headers',
  'response.headers',
  '$response.headers',
  'result headers',
);

/** A plain header object, or a WHATWG Headers where the value is one it can hold. */
function headerBag(header: RetryAfterCase, asHeaders: boolean): object {
  const { name, value } = header;
  if (
    asHeaders &&
    typeof value === 'string' &&
    /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value)
  ) {
    return new Headers({ [name]: value, 'content-type': 'application/json' });
  }
  return { 'content-type': 'application/json', [name]: value };
}

/** A failure (503 for the retry lane, 429 for the rate-limit lane) or a result carrying the headers. */
function outcomeWith(
  placement: Placement,
  headers: object,
  status: 429 | 503,
): { readonly error?: unknown; readonly result?: unknown } {
  switch (placement) {
    case 'headers':
      return { error: { name: 'HttpError', status, headers } };
    case 'response.headers':
      return { error: { message: 'Request failed', response: { status, headers } } };
    case '$response.headers':
      return {
        error: {
          name: 'ServiceException',
          $metadata: { httpStatusCode: status },
          $response: { statusCode: status, headers },
        },
      };
    case 'result headers':
      return { result: { status, headers } };
  }
}

interface Setup {
  readonly lane: 'retry' | 'rateLimit';
  readonly delays: { readonly initialDelay: number; readonly maxDelay: number };
  readonly jitter: JitterOption;
  readonly draws: readonly number[];
  readonly respectRetryAfter: boolean;
  readonly placement: Placement;
  readonly asHeaders: boolean;
}

function setupWith(delays: fc.Arbitrary<Setup['delays']>): fc.Arbitrary<Setup> {
  return fc.oneof(
    fc.record({
      lane: fc.constant('retry' as const),
      delays,
      jitter: fc.constantFrom(...allJitters),
      draws: unitDraws,
      respectRetryAfter: fc.boolean(),
      placement: placements,
      asHeaders: fc.boolean(),
    }),
    fc.record({
      lane: fc.constant('rateLimit' as const),
      delays,
      jitter: fc.constantFrom(...rateLimitJitters),
      draws: unitDraws,
      respectRetryAfter: fc.boolean(),
      // A returned value is retried by the retry lane only (retryOnResult).
      placement: placements.filter((placement) => placement !== 'result headers'),
      asHeaders: fc.boolean(),
    }),
  );
}

/** Whole-millisecond delay options. Fractional ones are the subject of the last test. */
const setup = setupWith(wholeDelayPair);

/** Fails (or returns a retried result) once, then succeeds; reports onRetry's delay and the sleep. */
async function retriedOnce(
  header: RetryAfterCase,
  options: Setup,
): Promise<{ readonly delay: number; readonly slept: number }> {
  // Each run starts at `now`: the HTTP-dates were written relative to it.
  jest.setSystemTime(now);
  const recording = new Recording();
  const outcome = outcomeWith(
    options.placement,
    headerBag(header, options.asHeaders),
    options.lane === 'rateLimit' ? 429 : 503,
  );
  const lane = {
    ...options.delays,
    jitter: options.jitter,
    maxAttempts: 2,
    respectRetryAfter: options.respectRetryAfter,
    ...recording.callbacksOf(options.lane, options.draws),
  };
  const attempt = async (): Promise<unknown> => {
    recording.callTimes.push(Date.now());
    if (recording.calls > 1) return 'done';
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.result;
  };
  const retryOnResult = (result: unknown): boolean => result === outcome.result;
  const settled = await settleCall(() =>
    options.lane === 'retry'
      ? withRetry(attempt, { ...lane, retryOnResult })
      : withRetry(attempt, { maxAttempts: 1, rateLimit: lane as RateLimitOptions }),
  );
  holds(!settled.failed && settled.value === 'done', 'the retried call did not succeed');
  holds(
    recording.retries.length === 1 && recording.calls === 2,
    `${recording.retries.length} retries, ${recording.calls} calls`,
  );
  const [retry] = recording.retries;
  return { delay: retry.delay, slept: recording.callTimes[1] - retry.at };
}

/** The backoff of the first retry, without Retry-After, as the retry loop computes it. */
function backoffOf(options: Setup): number {
  return calculateBackoffDelay(1, {
    ...options.delays,
    jitter: options.jitter,
    random: cyclingRandom(options.draws),
  });
}

describe('Retry-After on headers, response.headers, $response.headers and a retried result', () => {
  it('is a floor under the backoff, clamped to maxDelay; past dates, malformed and negative values are ignored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormed, absurd, malformed), setup, async (header, options) => {
        const { delay, slept } = await retriedOnce(header, options);
        const backoff = backoffOf(options);
        const { maxDelay } = options.delays;
        const expected =
          !options.respectRetryAfter || header.wait === undefined
            ? backoff
            : Math.max(backoff, Math.min(header.wait, maxDelay));
        holds(
          delay === expected,
          `delay ${delay}, expected ${expected} (backoff ${backoff}, Retry-After wait ${header.wait}, maxDelay ${maxDelay})`,
        );
        holds(slept === delay, `slept ${slept} ms for a delay of ${delay}`);
      }),
      { numRuns: 300 },
    );
  });

  it('never makes a negative, NaN, infinite or over-maxDelay sleep, whatever the header holds', async () => {
    const anyHeaderValue = fc.oneof(
      anyValue,
      fc.string(),
      fc.array(fc.oneof(fc.string(), anyValue)),
      fc.double(),
      fc.stringMatching(/^[-+ ]?\d{0,400}(\.\d*)?([eE][-+]?\d+)?\s*,?\s*$/),
    );
    const anyHeader = fc.record({
      name: fc.oneof(secondsNames, millisecondNames),
      value: anyHeaderValue,
      wait: fc.constant(undefined),
    });
    await fc.assert(
      fc.asyncProperty(anyHeader, setup, async (header, options) => {
        const { delay, slept } = await retriedOnce(header, options);
        const { maxDelay } = options.delays;
        holds(
          Number.isFinite(delay) && delay >= 0 && delay <= maxDelay,
          `delay ${delay} outside [0, ${maxDelay}]`,
        );
        holds(
          delay >= backoffOf(options),
          `delay ${delay} below the backoff: Retry-After must only lengthen it`,
        );
        holds(slept === delay, `slept ${slept} ms for a delay of ${delay}`);
      }),
      { numRuns: 200 },
    );
  });

  it('reads delta-seconds with a fraction to the millisecond, rounding a part of a millisecond up', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.integer({ min: 1, max: 9999 }),
        (whole, tenThousandths) => {
          const fraction = String(tenThousandths).padStart(4, '0');
          const wait = readRetryAfter({ headers: { 'retry-after': `${whole}.${fraction}` } }, now);
          // 259.004 s is 259004 ms, not 259005 (as 259.004 * 1000 rounded up in floating point would give).
          const expected = whole * 1000 + Math.ceil(tenThousandths / 10);
          holds(
            wait === expected,
            `Retry-After ${whole}.${fraction} read as ${wait} ms, expected ${expected}`,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  // Fails now: src/core/retry-decision.ts clamps Retry-After with the fractional maxDelay itself
  // (Math.min(retryAfter, maxDelay)), while the backoff is always whole milliseconds (floor(maxDelay)).
  // onRetry then reports e.g. 10.5 ms and setTimeout sleeps a different time (1 ms for 5e-324).
  it('reports and sleeps whole milliseconds when Retry-After is clamped to a fractional maxDelay', async () => {
    const fractionalDelays = delayPair.filter(({ maxDelay }) => !Number.isInteger(maxDelay));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(wellFormed, absurd),
        setupWith(fractionalDelays),
        async (header, options) => {
          const { delay, slept } = await retriedOnce(header, options);
          holds(Number.isInteger(delay), `delay ${delay} is not whole milliseconds`);
          holds(slept === delay, `slept ${slept} ms for a delay of ${delay}`);
        },
      ),
      { numRuns: 100 },
    );
  });
});
