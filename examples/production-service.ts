// A production service: a Bedrock wrapper class on the real BedrockRuntimeClient with every policy
// stacked the way a service would stack them. Whatever order the decorators are written in, a call
// runs through them in one fixed order:
//
//   @Fallback → @ConcurrencyLimit → retry loop (@Retry / @RetryOnRateLimit, the class's retry
//   budget) → for each attempt: @CircuitBreaker → @RateLimit → @Timeout → client.send()
//
// A short scripted day against the local Bedrock server: a burst of questions (queued for a slot,
// paced by the tokens-per-minute quota), throttling, a stalled request (aborted at the server
// through the attempt's signal and retried), an outage (the breaker opens, callers get a canned
// answer without reaching Bedrock), and the recovery (a probe closes the circuit).
// Run it: npm run example -- production-service
import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  Breaker,
  BrokenCircuitError,
  CircuitBreaker,
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ErrorCategory,
  Fallback,
  RateLimit,
  RateLimiter,
  Retry,
  RetryDefaults,
  RetryOnRateLimit,
  Timeout,
  classifyError,
  currentAttempt,
  stats,
} from '../src';
import { sleep, type ExampleMain } from './example';
import { createLocalBedrockClient, startBedrockServer } from './servers/bedrock-server';
import { waitFor } from './servers/wait-for';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const cannedAnswer = 'Our assistant is busy right now; please try again in a minute.';

// Every duration is scaled down so the example runs in a moment: a "minute" of token quota is
// 100 ms, a break 80 ms, an attempt's time limit 250 ms. The limit is the longest: the attempt
// after the stall makes a real SDK request that must finish within it, and on a loaded 2-core CI
// machine one took more than 100 ms.
const quotaInterval = 100;
const attemptTimeLimit = 250;
const breakDuration = 80;

/** About four characters a token for the prompt, plus what the answer may use. */
function estimateTokens(input: ConverseCommandInput): number {
  const promptCharacters = JSON.stringify(input.messages ?? []).length;
  return Math.ceil(promptCharacters / 4) + (input.inferenceConfig?.maxTokens ?? 4096);
}

// Shared state lives in instances a service can name from several methods (and export for a
// health endpoint): the model's token quota, its breaker, the slots for calls in flight.
const tokenQuota = new RateLimiter({
  limit: 1000,
  interval: quotaInterval,
  maxWait: 5 * quotaInterval,
  cost: ([input]) => estimateTokens(input as ConverseCommandInput),
});
const modelBreaker = new Breaker({
  consecutiveFailures: 3,
  breakDuration,
  onStateChange: ({ from, to }) => log(`  [breaker] ${from} -> ${to}`),
});
const inFlight = new ConcurrencyLimiter({ maxConcurrent: 2, maxQueued: 10 });

/** Transient: worth a canned answer rather than an error page. A 4xx or an auth failure is not. */
const transientCategories: ReadonlySet<ErrorCategory> = new Set([
  ErrorCategory.RETRYABLE,
  ErrorCategory.TIMEOUT,
  ErrorCategory.NETWORK,
]);
let fallbacks = 0;
let inFlightNow = 0;
let peakInFlight = 0;
const requestStartedAt: number[] = [];

function logRetry(error: unknown, attempt: number, delayMs: number): void {
  log(`  [retry] attempt ${attempt} failed (${describeError(error)}); next in ${delayMs} ms`);
}

// Shared settings of every method of the class: attempts and delays of both retry lanes, and a
// log line per retry. The class's retry budget (on by default) bounds retries during an outage.
@RetryDefaults({
  maxAttempts: 3,
  delays: [20],
  rateLimit: { maxAttempts: 4, initialDelay: 20, maxDelay: 40, onRetry: logRetry },
  onRetry: logRetry,
})
class AssistantService {
  // The client is created with maxAttempts: 1: the SDK does not retry under these policies.
  constructor(private readonly client: BedrockRuntimeClient) {}

  @Fallback(
    (error: unknown) => {
      fallbacks += 1;
      log(`  [fallback] canned answer instead of ${describeError(error)}`);
      return cannedAnswer;
    },
    {
      on: (error) =>
        error instanceof BrokenCircuitError || transientCategories.has(classifyError(error)),
    },
  )
  @ConcurrencyLimit(inFlight)
  @Retry()
  @RetryOnRateLimit()
  @CircuitBreaker(modelBreaker)
  @RateLimit(tokenQuota)
  @Timeout(attemptTimeLimit)
  async ask(input: ConverseCommandInput): Promise<string> {
    // The attempt's signal aborts when its time is up (or the caller aborts): the SDK then
    // cancels the HTTP/2 stream, so a stalled request does not run on.
    const { signal } = currentAttempt()!;
    peakInFlight = Math.max(peakInFlight, ++inFlightNow);
    requestStartedAt.push(performance.now());
    try {
      const output = await this.client.send(new ConverseCommand(input), { abortSignal: signal });
      return output.output?.message?.content?.[0]?.text ?? '';
    } finally {
      inFlightNow -= 1;
    }
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const name = error instanceof Error ? error.name : String(error);
  return typeof code === 'string' ? `${name} ${code}` : name;
}

const question = (text: string, maxTokens = 300): ConverseCommandInput => ({
  modelId,
  messages: [{ role: 'user', content: [{ text }] }],
  inferenceConfig: { maxTokens },
});

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    // One request outside the policies first, so that the SDK's first-call setup is not taken for
    // a stall. It carries a signal as the attempts' requests do: the SDK sets up aborting lazily.
    await client.send(new ConverseCommand(question('Warm up.', 1)), {
      abortSignal: new AbortController().signal,
    });
    server.reset();
    const service = new AssistantService(client);
    const seen = () => server.requestCount('Converse');

    print(
      '1. a burst: 6 questions at once (2 run at a time, the rest queue; 1000 tokens a "minute")',
    );
    server.setDefault('Converse', { kind: 'converse', text: 'An answer.', delayMs: 10 });
    const burst = ['Paris', 'Rome', 'Oslo', 'Lima', 'Kyiv', 'Quito'].map((city) =>
      question(`What is ${city} the capital of?`),
    );
    const started = performance.now();
    const answers = await Promise.all(burst.map((input) => service.ask(input)));
    const quota = stats(tokenQuota);
    print(
      `answered: ${answers.filter((answer) => answer === 'An answer.').length} of 6; ` +
        `most in flight at once: ${peakInFlight}; ` +
        `token quota: ${quota.granted - quota.waited} at once, ${quota.waited} after a wait`,
    );
    // The quota never lets a request go early: the last one waits until the tokens beyond the
    // burst are paid for, at 1000 tokens per interval.
    const tokens = burst.reduce((sum, input) => sum + estimateTokens(input), 0);
    const earliestLast = ((tokens - 1000) * quotaInterval) / 1000;
    const last = Math.max(...requestStartedAt) - started;
    print(
      `${tokens} tokens: the last request went after ${Math.round(last)} ms; paced (not before ${Math.ceil(earliestLast)} ms): ${last >= earliestLast - 1}`,
    );

    print('2. throttling: ThrottlingException twice, then the answer (@RetryOnRateLimit lane)');
    let before = seen();
    server.enqueue(
      'Converse',
      { kind: 'error', exception: 'ThrottlingException' },
      { kind: 'error', exception: 'ThrottlingException' },
    );
    print(
      `answer: "${await service.ask(question('Name a prime.'))}" after ${seen() - before} requests`,
    );

    print(
      `3. a stall: the first request gets no answer; @Timeout aborts it at ${attemptTimeLimit} ms`,
    );
    before = seen();
    server.enqueue('Converse', { kind: 'converse', text: 'Too late.', delayMs: 10_000 });
    print(
      `answer: "${await service.ask(question('Name a colour.'))}" after ${seen() - before} requests`,
    );
    // The server notices the cancelled stream a moment later.
    await waitFor(() => server.abandonedCount > 0, 1_000);
    print(`requests the client abandoned at the server: ${server.abandonedCount}`);

    print('4. an outage: every request fails with ServiceUnavailableException');
    before = seen();
    server.setDefault('Converse', { kind: 'error', exception: 'ServiceUnavailableException' });
    for (let call = 1; call <= 3; call++) {
      const answer = await service.ask(question(`Outage question ${call}?`));
      print(`call ${call}: "${answer}" (server requests so far: ${seen() - before})`);
    }

    print('5. the service is back: after the break one probe closes the circuit');
    server.setDefault('Converse', { kind: 'converse', text: 'Back to normal.' });
    await sleep(breakDuration + 20);
    print(`answer: "${await service.ask(question('Status?'))}", breaker ${modelBreaker.state}`);

    const method = stats(service.ask);
    const breaker = stats(modelBreaker);
    print('');
    print(`the Bedrock server saw ${seen()} Converse requests`);
    print(
      `ask: calls ${method.calls}, attempts ${method.attempts}, retries ${method.retries}, give-ups ${method.giveUps}, rejections ${method.rejections}`,
    );
    print(`breaker: opened ${breaker.opened}, failed fast ${breaker.rejections}`);
    print(`fallbacks: ${fallbacks}`);
  } finally {
    client.destroy();
    await server.close();
  }
};
