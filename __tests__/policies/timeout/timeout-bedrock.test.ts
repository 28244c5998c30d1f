import {
  ConverseCommand,
  ConverseStreamCommand,
  type BedrockRuntimeClient,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockProtocol,
  type LocalBedrockServer,
} from '../../../examples/servers/bedrock-server';
import { AttemptTimeoutError, Retry, Timeout, currentAttempt } from '../../../src';
import { eventually } from './eventually';

// @Timeout with the real BedrockRuntimeClient against the local Bedrock, over HTTP/2 (the SDK's
// default) and HTTP/1.1: `abortSignal: currentAttempt().signal` makes the SDK drop the request when
// the time limit passes (the server sees the request go away before its answer), and the retry is
// answered. A stream that stalls after its headers, before its first event, is timed out the same
// way: an async generator method's attempt lasts until its first value.
//
// The time limit passes on jest's fake clock, once the stalled request has reached the server:
// nothing waits for it in real time, and a loaded machine that is slow to answer the request that
// does not stall cannot time it out. (The server's delays run on the fake clock too, and are never
// reached; eventually() keeps real time.)

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const messages = [{ role: 'user' as const, content: [{ text: 'Hello' }] }];
const exact = { maxAttempts: 3, delays: [0], budget: false } as const;
const limit = 250;

describe.each<BedrockProtocol>(['http2', 'http1'])('over %s', (protocol) => {
  let server: LocalBedrockServer;
  let client: BedrockRuntimeClient;

  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    server = await startBedrockServer({ protocol });
    client = createLocalBedrockClient(server);
    // Loads the SDK's code and opens the connection before the time limits are measured.
    server.enqueue('Converse', { kind: 'converse', text: 'warm' });
    await client.send(new ConverseCommand({ modelId, messages }));
    server.reset();
  });

  afterEach(async () => {
    jest.useRealTimers();
    client.destroy();
    await server.close();
  });

  class Assistant {
    readonly timeouts: unknown[] = [];
    constructor(private readonly bedrock: BedrockRuntimeClient) {}

    @Retry({ ...exact, onRetry: (error) => timeoutsOf(error) })
    @Timeout(limit)
    async reply(): Promise<string | undefined> {
      const output = await this.bedrock.send(new ConverseCommand({ modelId, messages }), {
        abortSignal: currentAttempt()!.signal,
      });
      return output.output?.message?.content?.[0]?.text;
    }

    @Retry(exact)
    @Timeout(limit)
    async *stream(): AsyncGenerator<ConverseStreamOutput> {
      const output = await this.bedrock.send(new ConverseStreamCommand({ modelId, messages }), {
        abortSignal: currentAttempt()!.signal,
      });
      yield* output.stream!;
    }
  }

  const seen: unknown[] = [];
  const timeoutsOf = (error: unknown): void => {
    seen.push(error);
  };

  beforeEach(() => {
    seen.length = 0;
  });

  /** Ends the stalled first attempt: its request has reached the server, then its limit passes. */
  async function timeOutTheStalledRequest(): Promise<void> {
    await server.waitForRequests(1);
    await jest.advanceTimersByTimeAsync(limit);
  }

  test('Converse: the stalled request is dropped, the retry is answered', async () => {
    server.enqueue('Converse', { kind: 'converse', text: 'late', delayMs: 30_000 });
    server.enqueue('Converse', { kind: 'converse', text: 'Hi there' });
    const reply = new Assistant(client).reply();
    await timeOutTheStalledRequest();
    await expect(reply).resolves.toBe('Hi there');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(AttemptTimeoutError);
    expect(seen[0]).toMatchObject({ attempt: 1, timeout: limit });
    await eventually(() => server.abandonedCount === 1);
    expect(server.requestCount('Converse')).toBe(2);
  });

  test('ConverseStream that stalls before its first event: timed out, the retry streams', async () => {
    server.enqueue('ConverseStream', {
      kind: 'converse-stream',
      text: ['never'],
      firstEventDelayMs: 30_000,
    });
    server.enqueue('ConverseStream', { kind: 'converse-stream', text: ['Hi', ' there'] });
    const events: string[] = [];
    const streamed = (async () => {
      for await (const event of new Assistant(client).stream()) {
        events.push(Object.keys(event).find((key) => key !== '$unknown') ?? '?');
      }
    })();
    await timeOutTheStalledRequest();
    await streamed;
    expect(events[0]).toBe('messageStart');
    expect(events.filter((name) => name === 'contentBlockDelta')).toHaveLength(2);
    await eventually(() => server.abandonedCount === 1);
    expect(server.requestCount('ConverseStream')).toBe(2);
  });
});
