import {
  ModelStreamErrorException,
  ThrottlingException,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockProtocol,
  type BedrockStreamExceptionName,
  type LocalBedrockServer,
  type ScriptedResponse,
} from '../../examples/servers/bedrock-server';
import type { ErrorClass } from '../../src';
import {
  callerKinds,
  createCaller,
  describeChunkEvent,
  describeConverseEvent,
  drain,
  modelId,
  userMessages,
  type BedrockCaller,
} from './bedrock-callers';
import { RetryRecorder } from './retry-recorder';

// Streams are retried until their first event and never after: a second attempt would repeat
// output the caller has already consumed. Checked with the real SDK's event-stream decoding, through
// ResilientBedrock and through a user's async generator methods with stacked decorators.

const protocols: BedrockProtocol[] = ['http2', 'http1'];
const backoff = { initialDelay: 1, maxDelay: 50, random: () => 0 } as const;

const rateLimitLane = new RetryRecorder();
const retryLane = new RetryRecorder();
const lanes = {
  retry: { ...backoff, onRetry: retryLane.onRetry, onGiveUp: retryLane.onGiveUp },
  rateLimit: {
    ...backoff,
    maxAttempts: 3,
    onRetry: rateLimitLane.onRetry,
    onGiveUp: rateLimitLane.onGiveUp,
  },
};

const converseStreamInput = { modelId, messages: userMessages('Tell a story.') };
const invokeStreamInput = { modelId, body: JSON.stringify({ prompt: 'Tell a story.' }) };

const storyPieces = ['Once', ' upon', ' a time.'];
const fullConverseStream = [
  'messageStart',
  'delta:Once',
  'delta: upon',
  'delta: a time.',
  'contentBlockStop',
  'messageStop',
  'metadata',
];
const modelChunks = [{ text: 'Once' }, { text: ' upon' }, { text: ' a time.' }];
const fullChunkStream = modelChunks.map((chunk) => `chunk:${JSON.stringify(chunk)}`);

interface FirstFailure {
  readonly label: string;
  readonly response: ScriptedResponse;
  readonly lane: 'rateLimit' | 'retry';
}

const firstFailures: FirstFailure[] = [
  {
    label: 'a throttlingException frame',
    response: { kind: 'stream-exception', exception: 'ThrottlingException' },
    lane: 'rateLimit',
  },
  {
    label: 'a modelStreamErrorException frame',
    response: { kind: 'stream-exception', exception: 'ModelStreamErrorException' },
    lane: 'retry',
  },
  {
    label: 'an HTTP 429 before the stream',
    response: { kind: 'error', exception: 'ThrottlingException' },
    lane: 'rateLimit',
  },
];

describe.each(protocols)('Bedrock streams over %s', (protocol) => {
  let server: LocalBedrockServer;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    server = await startBedrockServer({ protocol });
    client = createLocalBedrockClient(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    rateLimitLane.clear();
    retryLane.clear();
  });

  describe.each(callerKinds)('through %s', (kind) => {
    let caller: BedrockCaller;
    beforeAll(() => {
      caller = createCaller(kind, client, lanes);
    });

    const retriesIn = (lane: FirstFailure['lane']) =>
      (lane === 'rateLimit' ? rateLimitLane : retryLane).retries.length;

    describe('a failure in the first frame is retried, and the output arrives exactly once', () => {
      it.each(firstFailures)('converseStream, $label', async ({ response, lane }) => {
        server.enqueue('ConverseStream', response, { kind: 'converse-stream', text: storyPieces });

        const { received, error } = await drain(
          caller.converseStream(converseStreamInput),
          describeConverseEvent,
        );

        expect(error).toBeUndefined();
        expect(received).toEqual(fullConverseStream);
        expect(server.requestCount('ConverseStream')).toBe(2);
        expect(retriesIn(lane)).toBe(1);
      });

      it.each(firstFailures)(
        'invokeModelWithResponseStream, $label',
        async ({ response, lane }) => {
          server.enqueue('InvokeModelWithResponseStream', response, {
            kind: 'chunks',
            chunks: modelChunks,
          });

          const { received, error } = await drain(
            caller.invokeModelWithResponseStream(invokeStreamInput),
            describeChunkEvent,
          );

          expect(error).toBeUndefined();
          expect(received).toEqual(fullChunkStream);
          expect(server.requestCount('InvokeModelWithResponseStream')).toBe(2);
          expect(retriesIn(lane)).toBe(1);
        },
      );

      it('gives up on a stream throttled in every first frame after the rate-limit maxAttempts', async () => {
        server.setDefault('ConverseStream', {
          kind: 'stream-exception',
          exception: 'ThrottlingException',
        });

        const { received, error } = await drain(
          caller.converseStream(converseStreamInput),
          describeConverseEvent,
        );

        expect(error).toBeInstanceOf(ThrottlingException);
        expect(received).toEqual([]);
        expect(server.requestCount()).toBe(3);
        expect(rateLimitLane.giveUps.map((giveUp) => [giveUp.error, giveUp.attempts])).toEqual([
          [error, 3],
        ]);
      });
    });

    describe('a failure after data arrived is rethrown from the for await, never retried', () => {
      it.each<[BedrockStreamExceptionName, ErrorClass, number]>([
        ['ThrottlingException', ThrottlingException, 1],
        ['ModelStreamErrorException', ModelStreamErrorException, 3],
      ])('converseStream, %s', async (exception, exceptionClass, afterEvents) => {
        server.enqueue('ConverseStream', {
          kind: 'converse-stream',
          text: storyPieces,
          failWith: { exception, afterEvents },
        });

        const { received, error } = await drain(
          caller.converseStream(converseStreamInput),
          describeConverseEvent,
        );

        expect(error).toBeInstanceOf(exceptionClass);
        expect(received).toEqual(fullConverseStream.slice(0, afterEvents));
        expect(server.requestCount()).toBe(1);
        expect([...rateLimitLane.retries, ...retryLane.retries]).toEqual([]);
      });

      it.each<[BedrockStreamExceptionName, ErrorClass, number]>([
        ['ThrottlingException', ThrottlingException, 2],
        ['ModelStreamErrorException', ModelStreamErrorException, 1],
      ])('invokeModelWithResponseStream, %s', async (exception, exceptionClass, afterEvents) => {
        server.enqueue('InvokeModelWithResponseStream', {
          kind: 'chunks',
          chunks: modelChunks,
          failWith: { exception, afterEvents },
        });

        const { received, error } = await drain(
          caller.invokeModelWithResponseStream(invokeStreamInput),
          describeChunkEvent,
        );

        expect(error).toBeInstanceOf(exceptionClass);
        expect(received).toEqual(fullChunkStream.slice(0, afterEvents));
        expect(server.requestCount()).toBe(1);
        expect([...rateLimitLane.retries, ...retryLane.retries]).toEqual([]);
      });
    });
  });
});
