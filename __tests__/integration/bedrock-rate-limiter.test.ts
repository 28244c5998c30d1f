import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type LocalBedrockServer,
} from '../../examples/servers/bedrock-server';
import { RateLimit, RateLimiter, RetryOnRateLimit, stats } from '../../src';
import { ResilientBedrock } from '../../src/bedrock';
import { modelId, userMessages } from './bedrock-callers';

// A tokens-per-minute quota with the real BedrockRuntimeClient against the local Bedrock server:
// `cost` from each request's maxTokens. The client's timers and Date are jest's fake ones (a
// minute costs no real time); sockets and the server are real. Installed once for the file.

let server: LocalBedrockServer;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: 0 });
  server = await startBedrockServer();
  client = createLocalBedrockClient(server);
});

afterAll(async () => {
  client.destroy();
  await server.close();
  jest.useRealTimers();
});

beforeEach(() => {
  server.reset();
});

const ask = (maxTokens: number): ConverseCommandInput => ({
  modelId,
  messages: userMessages('Hello?'),
  inferenceConfig: { maxTokens },
});

const tokensPerMinute = (limit: number) =>
  new RateLimiter({
    limit,
    interval: 60_000,
    maxWait: 60_000,
    cost: ([input]) => (input as ConverseCommandInput).inferenceConfig?.maxTokens ?? limit,
  });

const realTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function requestsAfter(count: number): Promise<number> {
  await server.waitForRequests(count);
  for (let turn = 0; turn < 10; turn++) await realTurn(); // nothing more arrives
  return server.requestCount('Converse');
}

it('ResilientBedrock({ rateLimiter }) paces Converse requests by their maxTokens', async () => {
  const limiter = tokensPerMinute(1000);
  const bedrock = new ResilientBedrock({ client, rateLimiter: limiter });
  const calls = [400, 400, 400, 400].map((maxTokens) => bedrock.converse(ask(maxTokens)));

  expect(await requestsAfter(2)).toBe(2); // 800 of the minute's 1000 tokens
  await jest.advanceTimersByTimeAsync(11_999);
  expect(await requestsAfter(2)).toBe(2);
  await jest.advanceTimersByTimeAsync(1); // 200 more tokens are paid for after 12 s
  expect(await requestsAfter(3)).toBe(3);
  await jest.advanceTimersByTimeAsync(24_000);
  expect(await requestsAfter(4)).toBe(4);
  await Promise.all(calls);
  expect(stats(limiter)).toMatchObject({ granted: 4, waited: 2, rejections: 0 });
  expect(server.requests.map((request) => request.body)).toEqual(
    calls.map(() => expect.objectContaining({ inferenceConfig: { maxTokens: 400 } })),
  );
});

it('a decorated class: a throttled Converse lowers an adaptive limit, and the retry takes a turn too', async () => {
  const limiter = new RateLimiter({ limit: 60, interval: 60_000, adaptive: true });
  class Assistant {
    @RetryOnRateLimit({ maxAttempts: 2, initialDelay: 100, maxDelay: 100 })
    @RateLimit(limiter)
    async converse(input: ConverseCommandInput): Promise<ConverseCommandOutput> {
      return client.send(new ConverseCommand(input));
    }
  }
  server.enqueue('Converse', { kind: 'error', exception: 'ThrottlingException' });
  const call = new Assistant().converse(ask(100));
  for (let turn = 0; turn < 1000 && stats(limiter).throttles === 0; turn++) await realTurn();
  expect(stats(limiter).throttles).toBe(1);
  expect(limiter.rate).toBeCloseTo(42, 6); // 0.7 x 60 a minute
  await jest.advanceTimersByTimeAsync(100);
  await expect(call).resolves.toMatchObject({ stopReason: expect.any(String) });
  expect(server.requestCount('Converse')).toBe(2);
  expect(stats(limiter)).toMatchObject({ granted: 2, throttles: 1, decreases: 1 });
});
