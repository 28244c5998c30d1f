import { readablePace, runDemo } from '../examples/demo';
import { runOnFakeClock } from './example-runs';

// The README's first command runs this tour, and so does this test, at the same readable pace but
// on jest's fake clock (see example-runs.ts): its waits pass in virtual time, so it takes no more
// real time than its requests do, and a busy machine cannot make a request outlast the slow
// call's timeout or a break. Its timeline is checked line by line. The clock is installed before
// the demo's first request: undici keeps a module-level timer made at its first.
describe('npm run demo', () => {
  let printed: string[];

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      printed = await runOnFakeClock((print) => runDemo(print, readablePace), {
        realTimeLimitMs: 19_000,
      });
    } finally {
      jest.useRealTimers();
    }
  }, 20_000);

  const lineMatching = (pattern: RegExp): string | undefined =>
    printed.find((line) => pattern.test(line));

  it.each([
    [
      'the outage passes on the 3rd attempt',
      /Inventory\.stock\s+attempt 3\s+ok\s+done\s+12 units of A-1/,
    ],
    [
      'throttling waits what Retry-After asks',
      /Inventory\.stock\s+attempt 1\s+retryable \(rate limit\)\s+retry in 1000 ms/,
    ],
    ['a slow call times out and is retried', /Inventory\.stock\s+attempt 1\s+timeout\s+retry in/],
    [
      '404 is not retried',
      /Inventory\.stock\s+attempt 1\s+non_retryable\s+gave up\s+HttpError: HTTP 404/,
    ],
    ['a refused connection fails every attempt', /Orders\.history\s+attempt 3\s+network\s+gave up/],
    [
      'a reset POST is not retried with idempotent: false',
      /Orders\.place\s+attempt 1\s+network\s+gave up/,
    ],
    ['the breaker opens on the 2nd failure in a row', /circuit: closed -> open$/],
    [
      'the retry stops when the circuit opens, with the real error',
      /Pricing\.price\s+attempt 2\s+retryable\s+gave up\s+HttpError: HTTP 503/,
    ],
    [
      'an open circuit fails the next call fast',
      /Pricing\.price\s+attempt 0\s+non_retryable\s+refused\s+BrokenCircuitError TENACIOUS_CIRCUIT_OPEN/,
    ],
    [
      'the open circuit kept the call from the server',
      /the pricing server saw 2 requests: the open circuit kept call 2 away/,
    ],
    ['after the break a probe closes the circuit', /circuit: half-open -> closed$/],
    ['the probe succeeds', /Pricing\.price\s+attempt 1\s+ok\s+done\s+1299 cents for A-1/],
    ['the circuit is closed again', /circuit closed; the pricing server saw 3 requests/],
    [
      'a hedge starts while the first search is stuck',
      /Search\.search\s+attempt 2\s+-\s+hedge started\s+attempt 1 still running after \d+ ms/,
    ],
    ['the hedge wins', /Search\.search\s+attempt 2\s+ok\s+done\s+2 hits: A-1, B-2/],
    [
      'the slow search is aborted at the server',
      /the search server saw 2 requests; the slow one was aborted at the server: true/,
    ],
    [
      'the limiter lets a burst through and makes the rest wait',
      /let \d through at once and made [1-3] wait/,
    ],
    ['the limiter paces the calls', /5 calls took \d+ ms; paced \(not less than 1500 ms\): true/],
    [
      'Bedrock throttling is retried until a reply',
      /Assistant\.ask\s+attempt 3\s+ok\s+done\s+reply "Hello from the local Bedrock\."/,
    ],
    [
      'Bedrock ValidationException is not retried',
      /Assistant\.ask\s+attempt 1\s+non_retryable\s+gave up\s+ValidationException/,
    ],
    [
      'Bedrock AccessDeniedException is an auth failure',
      /Assistant\.ask\s+attempt 1\s+auth_failure\s+gave up\s+AccessDeniedException/,
    ],
    [
      'a stream throttled in its first frame is retried',
      /converseStream\s+attempt 2\s+ok\s+done\s+streamed "Two, three, five\."/,
    ],
    [
      'a stream failing after data is not retried',
      /converseStream\s+attempt 1\s+retryable\s+gave up\s+ModelStreamErrorException/,
    ],
    [
      'the servers saw exactly the requests the timeline shows',
      /the HTTP server saw 19 requests; the Bedrock server saw 10 requests/,
    ],
  ])('shows that %s', (_what, pattern) => {
    expect(lineMatching(pattern) ?? printed.join('\n')).toMatch(pattern);
  });

  it('summarises every method', () => {
    const summary = printed.slice(printed.indexOf('Summary'));
    expect(summary.join('\n')).toMatch(/Inventory\.stock\s+4\s+8\s+3\s+1/);
    expect(summary.join('\n')).toMatch(/Assistant\.ask\s+4\s+7\s+2\s+2/);
    // The call the open circuit refused ran no attempt, as stats() counts it.
    expect(summary.join('\n')).toMatch(/Pricing\.price\s+3\s+3\s+1\s+2/);
    expect(summary.join('\n')).toMatch(/Search\.search\s+1\s+2\s+1\s+0/);
    expect(summary.join('\n')).toMatch(/Quotes\.quote\s+5\s+5\s+5\s+0/);
  });

  it('prints metrics from the diagnostics channels that agree with the timeline', () => {
    const metricsStart = printed.indexOf('Metrics (from the tenacious:* diagnostics channels)');
    expect(metricsStart).toBeGreaterThan(printed.indexOf('Summary'));
    const timeline = printed.slice(0, printed.indexOf('Summary'));
    const linesMatching = (pattern: RegExp) => timeline.filter((line) => pattern.test(line)).length;
    const metrics = printed.slice(metricsStart);
    const countOf = (channel: string): number | undefined => {
      const line = metrics.find((candidate) => candidate.trim().startsWith(`${channel} `));
      return line === undefined ? undefined : Number(/(\d+) messages/.exec(line)?.[1]);
    };
    expect(countOf('tenacious:retry')).toBe(linesMatching(/retry in \d+ ms/));
    // The stream that fails after its data is rethrown without a retry decision: no give-up. A
    // call refused before its first attempt publishes one (`attempts: 0`).
    expect(countOf('tenacious:give-up')).toBe(
      linesMatching(/gave up/) -
        linesMatching(/gave up\s+ModelStreamErrorException/) +
        linesMatching(/attempt 0\s+\S+\s+refused\s/),
    );
    // A hedge that wins is attempt 2, but no retry: tenacious:success is for retried calls.
    expect(countOf('tenacious:success')).toBe(
      linesMatching(/attempt [2-9]\s+ok/) - linesMatching(/Search\.search\s+attempt 2\s+ok/),
    );
    expect(countOf('tenacious:circuit-state')).toBe(linesMatching(/circuit: \S+ -> \S+$/));
    expect(countOf('tenacious:circuit-state')).toBe(3);
    expect(countOf('tenacious:hedge')).toBe(linesMatching(/hedge started/));
    expect(countOf('tenacious:hedge')).toBe(1);
    // The limiter paces (waits), it refuses nothing here; no call exceeds a concurrency limit.
    expect(countOf('tenacious:rate-limited')).toBe(0);
    expect(countOf('tenacious:concurrency-rejected')).toBe(0);
    expect(countOf('tenacious:budget-exhausted')).toBe(0);
    expect(metrics.join('\n')).toMatch(
      /retries by method: Inventory\.stock \d+, Orders\.history 2, Pricing\.price 1/,
    );
  });
});
