import {
  ServiceUnavailableException,
  ThrottlingException,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockProtocol,
  type LocalBedrockServer,
} from '../../examples/servers/bedrock-server';
import { ResilientBedrock, type ResilientBedrockOptions } from '../../src/bedrock';
import { converseInput, replyText } from './bedrock-callers';
import { rejectionOf } from './retry-recorder';

// How ResilientBedrock sets up its client: SDK retries off in a client it builds, a warning for a
// client handed to it that still retries, and its options checked when it is constructed.

const protocols: BedrockProtocol[] = ['http2', 'http1'];

const fastLanes = {
  retry: { initialDelay: 1, maxDelay: 5 },
  rateLimit: { initialDelay: 1, maxDelay: 5 },
} as const;
const sdkRetriesWarning = 'TENACIOUS_SDK_RETRIES';

/** A hand-made SDK retry strategy (RetryStrategyV2): 3 attempts, no wait. */
function sdkStrategyRetryingThreeTimes() {
  const token = (retryCount: number) => ({
    getRetryCount: () => retryCount,
    getRetryDelay: () => 0,
  });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous: { getRetryCount(): number }) => {
      if (previous.getRetryCount() + 1 >= 3) throw new Error('no retries left');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
}

describe.each(protocols)('ResilientBedrock client set-up over %s', (protocol) => {
  let server: LocalBedrockServer;
  const clients: BedrockRuntimeClient[] = [];

  beforeAll(async () => {
    server = await startBedrockServer({ protocol });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
    server.reset();
  });
  afterAll(() => server.close());

  function ownClientConfig(
    extra: Record<string, unknown> = {},
  ): ResilientBedrockOptions['clientConfig'] {
    return {
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
      ...(protocol === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
      ...extra,
    };
  }

  function resilientBedrock(options: ResilientBedrockOptions): ResilientBedrock {
    const bedrock = new ResilientBedrock({ ...fastLanes, ...options });
    clients.push(bedrock.client);
    return bedrock;
  }

  describe('a client it builds from clientConfig', () => {
    it.each([
      ['no maxAttempts', {}],
      ['maxAttempts: 5 asked for', { maxAttempts: 5 }],
    ])(
      'has SDK retries off (%s): every request says max=1, tenacious alone retries',
      async (_label, extra) => {
        server.enqueue(
          'Converse',
          { kind: 'error', exception: 'ThrottlingException' },
          { kind: 'error', exception: 'ServiceUnavailableException' },
        );
        const bedrock = resilientBedrock({ clientConfig: ownClientConfig(extra) });

        const output = await bedrock.converse(converseInput);

        expect(replyText(output)).toBe('Hello from the local Bedrock.');
        expect(server.requests.map((request) => request.sdkRequest)).toEqual([
          { attempt: 1, max: 1 },
          { attempt: 1, max: 1 },
          { attempt: 1, max: 1 },
        ]);
      },
    );

    it('drops a retryStrategy from clientConfig: the SDK does not retry under tenacious', async () => {
      server.setDefault('Converse', { kind: 'error', exception: 'ServiceUnavailableException' });
      const bedrock = resilientBedrock({
        clientConfig: ownClientConfig({ retryStrategy: sdkStrategyRetryingThreeTimes() }),
        retry: { ...fastLanes.retry, maxAttempts: 2 },
      });

      const thrown = await rejectionOf(bedrock.converse(converseInput));

      expect(thrown).toBeInstanceOf(ServiceUnavailableException);
      // Two tenacious attempts, one request each; with the strategy kept it was 2 x 3.
      expect(server.requestCount()).toBe(2);
    });

    it("uses the standard strategy even when clientConfig asks for the adaptive mode's client-side rate limiter", async () => {
      const bedrock = resilientBedrock({
        clientConfig: ownClientConfig({ retryMode: 'adaptive' }),
      });
      const strategy = (await bedrock.client.config.retryStrategy()) as { mode?: string };
      // The adaptive limiter would add its own waits to the rate-limit lane's.
      expect(strategy.mode).toBe('standard');
    });
  });

  describe('a client handed to it', () => {
    // Under jest, `process` is a sandbox copy: a 'warning' listener on it never hears what
    // emitWarning sends to the real process. Spying on emitWarning sees the call (and keeps it quiet).
    let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;
    beforeEach(() => {
      emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    });
    afterEach(() => emitWarning.mockRestore());

    function sdkRetriesWarnings(): Array<{ message: unknown; type: unknown }> {
      return emitWarning.mock.calls
        .map(([message, options]) => ({ message, ...(typeof options === 'object' ? options : {}) }))
        .filter((warning) => 'code' in warning && warning.code === sdkRetriesWarning)
        .map((warning) => ({
          message: warning.message,
          type: 'type' in warning ? warning.type : undefined,
        }));
    }

    /** The check reads the client's async config providers; a few turns of the event loop settle it. */
    async function settle(): Promise<void> {
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    }

    it('that still retries raises one TENACIOUS_SDK_RETRIES warning, once per client', async () => {
      const retryingClient = createLocalBedrockClient(server, { maxAttempts: 3 });
      clients.push(retryingClient);

      new ResilientBedrock({ client: retryingClient });
      new ResilientBedrock({ client: retryingClient });
      await settle();

      expect(sdkRetriesWarnings()).toEqual([
        {
          message: expect.stringMatching(/retries on its own \(maxAttempts 3\).*maxAttempts: 1/),
          type: 'TenaciousWarning',
        },
      ]);
    });

    it('with maxAttempts 1 raises none, and its requests say max=1', async () => {
      const client = createLocalBedrockClient(server);
      clients.push(client);

      const bedrock = new ResilientBedrock({ ...fastLanes, client });
      await bedrock.converse(converseInput);
      await settle();

      expect(sdkRetriesWarnings()).toEqual([]);
      expect(server.requests.map((request) => request.sdkRequest)).toEqual([
        { attempt: 1, max: 1 },
      ]);
    });

    it('with a custom retryStrategy that does not say its attempts raises the warning whatever maxAttempts says', async () => {
      // A RetryStrategyV2 has no getMaxAttempts(): only the strategy knows whether it retries.
      const client = createLocalBedrockClient(server, {
        maxAttempts: 1,
        retryStrategy: sdkStrategyRetryingThreeTimes(),
      });
      clients.push(client);

      new ResilientBedrock({ client });
      await settle();

      expect(sdkRetriesWarnings()).toEqual([
        {
          message: expect.stringMatching(
            /has a custom retryStrategy, which may retry on its own.*maxAttempts: 1 and no retryStrategy/,
          ),
          type: 'TenaciousWarning',
        },
      ]);
    });

    it('with a custom retryStrategy that says it makes one attempt raises none', async () => {
      const oneAttempt = { ...sdkStrategyRetryingThreeTimes(), getMaxAttempts: async () => 1 };
      const client = createLocalBedrockClient(server, { retryStrategy: oneAttempt });
      clients.push(client);

      new ResilientBedrock({ client });
      await settle();

      expect(sdkRetriesWarnings()).toEqual([]);
    });

    it('in the adaptive retry mode is judged by its maxAttempts, as in the standard mode', async () => {
      // The SDK's AdaptiveRetryStrategy keeps its attempts in a standard strategy of its own.
      const oneAttempt = createLocalBedrockClient(server, { retryMode: 'adaptive' });
      const threeAttempts = createLocalBedrockClient(server, {
        retryMode: 'adaptive',
        maxAttempts: 3,
      });
      clients.push(oneAttempt, threeAttempts);

      const bedrock = new ResilientBedrock({ ...fastLanes, client: oneAttempt });
      new ResilientBedrock({ client: threeAttempts });
      await bedrock.converse(converseInput);
      await settle();

      expect(sdkRetriesWarnings()).toEqual([
        {
          message: expect.stringMatching(
            /given to ResilientBedrock retries on its own \(maxAttempts 3\)/,
          ),
          type: 'TenaciousWarning',
        },
      ]);
      expect(server.requests.map((request) => request.sdkRequest)).toEqual([
        { attempt: 1, max: 1 },
      ]);
    });

    it('that still retries multiplies attempts, which is what the warning is about', async () => {
      const retryingClient = createLocalBedrockClient(server, { maxAttempts: 3 });
      clients.push(retryingClient);
      server.setDefault('Converse', { kind: 'error', exception: 'ThrottlingException' });
      // The SDK's backoff is U(0, 1) x base: a random of 0 makes its own waits 0 ms.
      const random = jest.spyOn(Math, 'random').mockReturnValue(0);
      try {
        const bedrock = new ResilientBedrock({
          client: retryingClient,
          rateLimit: { ...fastLanes.rateLimit, maxAttempts: 2 },
        });

        const thrown = await rejectionOf(bedrock.converse(converseInput));

        expect(thrown).toBeInstanceOf(ThrottlingException);
        expect(server.requestCount()).toBe(2 * 3);
      } finally {
        random.mockRestore();
      }
    });
  });
});

describe('ResilientBedrock options', () => {
  // No request is made: a client built here is destroyed at once.
  const client = createLocalBedrockClient({ endpoint: 'http://127.0.0.1:9', protocol: 'http1' });
  afterAll(() => client.destroy());

  it.each<[string, unknown, typeof TypeError | typeof RangeError, RegExp]>([
    [
      'options that are null',
      null,
      TypeError,
      /ResilientBedrock: expected an options object, got null/,
    ],
    [
      'options that are a string',
      'us-east-1',
      TypeError,
      /ResilientBedrock: expected an options object, got "us-east-1"/,
    ],
    [
      'a clientConfig that is not an object',
      { clientConfig: 'us-east-1' },
      TypeError,
      /ResilientBedrock: option "clientConfig" must be an object, got "us-east-1"/,
    ],
    [
      'a client that is not a Bedrock client',
      { client: { region: 'us-east-1' } },
      TypeError,
      /ResilientBedrock: option "client" must be a BedrockRuntimeClient, got \{"region":"us-east-1"\}/,
    ],
    [
      'an unknown option',
      { client, retries: 3 },
      TypeError,
      /ResilientBedrock: unknown option "retries" \(value 3\)/,
    ],
    [
      'client and clientConfig together',
      { client, clientConfig: { region: 'us-east-1' } },
      TypeError,
      /either "client" or "clientConfig", not both/,
    ],
    [
      'retry.maxAttempts 0',
      { client, retry: { maxAttempts: 0 } },
      RangeError,
      /ResilientBedrock retry.*"maxAttempts".*got 0/,
    ],
    [
      'an unknown retry option',
      { client, retry: { attempts: 2 } },
      TypeError,
      /ResilientBedrock retry.*unknown option "attempts"/,
    ],
    [
      'retry.initialDelay -1',
      { client, retry: { initialDelay: -1 } },
      RangeError,
      /ResilientBedrock retry.*"initialDelay".*-1/,
    ],
    [
      'rateLimit.jitter none',
      { client, rateLimit: { jitter: 'none' } },
      TypeError,
      /ResilientBedrock rateLimit.*"jitter"/,
    ],
    [
      'rateLimit.maxAttempts 1.5',
      { client, rateLimit: { maxAttempts: 1.5 } },
      RangeError,
      /ResilientBedrock rateLimit.*"maxAttempts".*1\.5/,
    ],
    [
      'rateLimit.rateLimitErrors not an array',
      { client, rateLimit: { rateLimitErrors: 'ThrottlingException' } },
      TypeError,
      /ResilientBedrock rateLimit.*"rateLimitErrors"/,
    ],
  ])('rejects %s', (_label, options, errorClass, message) => {
    const construct = () => new ResilientBedrock(options as ResilientBedrockOptions);

    expect(construct).toThrow(errorClass);
    expect(construct).toThrow(message);
  });

  it('accepts a client and both lanes', () => {
    const bedrock = new ResilientBedrock({
      client,
      retry: { maxAttempts: 2 },
      rateLimit: { maxAttempts: 8 },
    });

    expect(bedrock.client).toBe(client);
  });
});
