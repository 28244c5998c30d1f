import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClient,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type InvokeModelCommandInput,
  type InvokeModelCommandOutput,
  type InvokeModelWithResponseStreamCommandInput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import { Retry, RetryOnRateLimit, type RateLimitOptions, type RetryOptions } from '../../src';
import { ResilientBedrock, type BedrockCallOptions } from '../../src/bedrock';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockProtocol,
  type LocalBedrockServer,
} from '../../examples/servers/bedrock-server';

/**
 * The local Bedrock server over `protocol` and a real SDK client of it, for the calling `describe`
 * block: started before its tests, its script reset after each, both closed after all.
 */
export function useLocalBedrock(protocol: BedrockProtocol): {
  readonly server: LocalBedrockServer;
  readonly client: BedrockRuntimeClient;
} {
  let server: LocalBedrockServer | undefined;
  let client: BedrockRuntimeClient | undefined;
  beforeAll(async () => {
    server = await startBedrockServer({ protocol });
    client = createLocalBedrockClient(server);
  });
  afterEach(() => server?.reset());
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });
  return {
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
  };
}

export const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

export function userMessages(text: string): ConverseCommandInput['messages'] {
  return [{ role: 'user', content: [{ text }] }];
}

export const converseInput: ConverseCommandInput = { modelId, messages: userMessages('Hello?') };
export const invokeInput: InvokeModelCommandInput = {
  modelId,
  body: JSON.stringify({ prompt: 'Hello?' }),
  contentType: 'application/json',
};

/** What the tests call: `ResilientBedrock` has exactly this shape, and so has the user's own class below. */
export interface BedrockCaller {
  converse(
    input: ConverseCommandInput,
    options?: BedrockCallOptions,
  ): Promise<ConverseCommandOutput>;
  invokeModel(
    input: InvokeModelCommandInput,
    options?: BedrockCallOptions,
  ): Promise<InvokeModelCommandOutput>;
  converseStream(
    input: ConverseStreamCommandInput,
    options?: BedrockCallOptions,
  ): AsyncIterable<ConverseStreamOutput>;
  invokeModelWithResponseStream(
    input: InvokeModelWithResponseStreamCommandInput,
    options?: BedrockCallOptions,
  ): AsyncIterable<ResponseStream>;
}

export interface Lanes {
  readonly retry: RetryOptions;
  readonly rateLimit: RateLimitOptions;
}

/**
 * A user's own wrapper around the SDK client, as the README shows it: every method stacked with
 * `@RetryOnRateLimit` and `@Retry`, calling `client.send(new XCommand(...))`. The stream methods are
 * async generators. Defined per test because decorator options are fixed at class definition.
 */
export function defineModelGateway(
  lanes: Lanes,
): new (client: BedrockRuntimeClient) => BedrockCaller {
  class ModelGateway implements BedrockCaller {
    constructor(private readonly client: BedrockRuntimeClient) {}

    @RetryOnRateLimit(lanes.rateLimit)
    @Retry(lanes.retry)
    async converse(
      input: ConverseCommandInput,
      options?: BedrockCallOptions,
    ): Promise<ConverseCommandOutput> {
      return this.client.send(new ConverseCommand(input), options);
    }

    @RetryOnRateLimit(lanes.rateLimit)
    @Retry(lanes.retry)
    async invokeModel(
      input: InvokeModelCommandInput,
      options?: BedrockCallOptions,
    ): Promise<InvokeModelCommandOutput> {
      return this.client.send(new InvokeModelCommand(input), options);
    }

    @Retry(lanes.retry)
    @RetryOnRateLimit(lanes.rateLimit)
    async *converseStream(
      input: ConverseStreamCommandInput,
      options?: BedrockCallOptions,
    ): AsyncGenerator<ConverseStreamOutput> {
      const output = await this.client.send(new ConverseStreamCommand(input), options);
      if (output.stream) yield* output.stream;
    }

    @Retry(lanes.retry)
    @RetryOnRateLimit(lanes.rateLimit)
    async *invokeModelWithResponseStream(
      input: InvokeModelWithResponseStreamCommandInput,
      options?: BedrockCallOptions,
    ): AsyncGenerator<ResponseStream> {
      const output = await this.client.send(
        new InvokeModelWithResponseStreamCommand(input),
        options,
      );
      if (output.body) yield* output.body;
    }
  }
  return ModelGateway;
}

export type CallerKind = 'ResilientBedrock' | 'a decorated wrapper class';
export const callerKinds: readonly CallerKind[] = ['ResilientBedrock', 'a decorated wrapper class'];

export function createCaller(
  kind: CallerKind,
  client: BedrockRuntimeClient,
  lanes: Lanes,
): BedrockCaller {
  if (kind === 'ResilientBedrock') return new ResilientBedrock({ client, ...lanes });
  const ModelGateway = defineModelGateway(lanes);
  return new ModelGateway(client);
}

export function replyText(output: ConverseCommandOutput): string | undefined {
  return output.output?.message?.content?.[0]?.text;
}

export function decodeText(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
}

/** A compact, comparable form of a ConverseStream event: its type and, for text, the text. */
export function describeConverseEvent(event: ConverseStreamOutput): string {
  if (event.contentBlockDelta) return `delta:${event.contentBlockDelta.delta?.text ?? ''}`;
  return definedMemberName(event);
}

/** The model chunk of an InvokeModelWithResponseStream event, decoded, or the event's type. */
export function describeChunkEvent(event: ResponseStream): string {
  if (event.chunk) return `chunk:${decodeText(event.chunk.bytes)}`;
  return definedMemberName(event);
}

/** The name of the union member an event is: the one key whose value is defined. */
function definedMemberName(event: object): string {
  return Object.entries(event).find(([, value]) => value !== undefined)?.[0] ?? 'empty';
}

/** Every event described, and the error that ended the iteration if one did. */
export async function drain<Event>(
  events: AsyncIterable<Event>,
  describe: (event: Event) => string,
): Promise<{ received: string[]; error: unknown }> {
  const received: string[] = [];
  try {
    for await (const event of events) received.push(describe(event));
  } catch (error) {
    return { received, error };
  }
  return { received, error: undefined };
}

/** The shape of an AWS SDK service exception the tests look at. */
export interface SdkErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

export function asSdkError(error: unknown): SdkErrorShape {
  if (typeof error !== 'object' || error === null) {
    throw new Error(`expected an SDK error, got ${String(error)}`);
  }
  return error as SdkErrorShape;
}
