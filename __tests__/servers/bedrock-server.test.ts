import {
  AccessDeniedException,
  BedrockRuntimeServiceException,
  ConflictException,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import http2 from 'node:http2';
import {
  createLocalBedrockClient,
  defaultReplyText,
  startBedrockServer,
  type BedrockExceptionName,
  type BedrockProtocol,
  type BedrockStreamExceptionName,
} from '../../examples/servers/bedrock-server';
import { useLocalBedrock } from '../integration/bedrock-callers';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const messages = [{ role: 'user' as const, content: [{ text: 'Hello?' }] }];

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
  $response?: { headers: Record<string, string | undefined> };
}

async function rejectionOf(promise: Promise<unknown>): Promise<SdkErrorShape> {
  try {
    await promise;
  } catch (error) {
    return error as SdkErrorShape;
  }
  throw new Error('expected a rejection');
}

function decodeText(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
}

const protocols: BedrockProtocol[] = ['http2', 'http1'];

describe.each(protocols)('local Bedrock server over %s', (protocol) => {
  const local = useLocalBedrock(protocol);

  describe('successes', () => {
    it('answers Converse with the scripted text and records the request', async () => {
      local.server.enqueue('Converse', {
        kind: 'converse',
        text: 'scripted answer',
        usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
      });

      const output = await local.client.send(new ConverseCommand({ modelId, messages }));

      expect(output.output?.message?.content?.[0]?.text).toBe('scripted answer');
      expect(output.stopReason).toBe('end_turn');
      expect(output.usage).toEqual({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(local.server.requests).toEqual([
        expect.objectContaining({ operation: 'Converse', modelId, body: { messages } }),
      ]);
    });

    it('answers with the built-in success when nothing is scripted', async () => {
      const output = await local.client.send(new ConverseCommand({ modelId, messages }));

      expect(output.output?.message?.content?.[0]?.text).toBe(defaultReplyText);
    });

    it('returns the scripted InvokeModel body bytes and content type', async () => {
      local.server.enqueue('InvokeModel', { kind: 'invoke', body: { completion: 'forty-two' } });

      const output = await local.client.send(
        new InvokeModelCommand({ modelId, body: JSON.stringify({ prompt: 'question' }) }),
      );

      expect(JSON.parse(decodeText(output.body))).toEqual({ completion: 'forty-two' });
      expect(output.contentType).toBe('application/json');
      expect(local.server.requests[0]).toEqual(
        expect.objectContaining({ operation: 'InvokeModel', body: { prompt: 'question' } }),
      );
    });

    it('sends InvokeModel text bodies as they are', async () => {
      local.server.enqueue('InvokeModel', {
        kind: 'invoke',
        body: 'plain words',
        contentType: 'text/plain',
      });

      const output = await local.client.send(
        new InvokeModelCommand({ modelId, body: 'raw prompt', contentType: 'text/plain' }),
      );

      expect(decodeText(output.body)).toBe('plain words');
      expect(output.contentType).toBe('text/plain');
      expect(local.server.requests[0]?.body).toBe('raw prompt');
    });
  });

  describe('HTTP errors', () => {
    it.each<[BedrockExceptionName, number, abstract new (...args: never[]) => Error]>([
      ['ThrottlingException', 429, ThrottlingException],
      ['ModelNotReadyException', 429, ModelNotReadyException],
      ['ServiceUnavailableException', 503, ServiceUnavailableException],
      ['InternalServerException', 500, InternalServerException],
      ['ModelTimeoutException', 408, ModelTimeoutException],
      ['ModelStreamErrorException', 424, ModelStreamErrorException],
      ['ModelErrorException', 424, ModelErrorException],
      ['ServiceQuotaExceededException', 400, ServiceQuotaExceededException],
      ['ValidationException', 400, ValidationException],
      ['ConflictException', 400, ConflictException],
      ['ResourceNotFoundException', 404, ResourceNotFoundException],
      ['AccessDeniedException', 403, AccessDeniedException],
      ['UnrecognizedClientException', 403, BedrockRuntimeServiceException],
      ['ExpiredTokenException', 403, BedrockRuntimeServiceException],
    ])('%s surfaces as the SDK class with status %i', async (exception, status, exceptionClass) => {
      local.server.enqueue('Converse', {
        kind: 'error',
        exception,
        message: `scripted ${exception}`,
      });

      const error = await rejectionOf(
        local.client.send(new ConverseCommand({ modelId, messages })),
      );

      expect(error).toBeInstanceOf(exceptionClass);
      expect(error.name).toBe(exception);
      expect(error.message).toBe(`scripted ${exception}`);
      expect(error.$metadata?.httpStatusCode).toBe(status);
      expect(error.$response?.headers['retry-after']).toBeUndefined();
    });

    it('passes a scripted retry-after header and request id to the error', async () => {
      local.server.enqueue('any', {
        kind: 'error',
        exception: 'ThrottlingException',
        retryAfterSeconds: 7,
        requestId: 'req-throttled',
      });

      const error = await rejectionOf(
        local.client.send(new InvokeModelCommand({ modelId, body: '{}' })),
      );

      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error.$response?.headers['retry-after']).toBe('7');
      expect(error.$response?.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(error.$metadata?.requestId).toBe('req-throttled');
    });

    it('answers a stream operation with an HTTP error before any stream starts', async () => {
      local.server.enqueue('ConverseStream', {
        kind: 'error',
        exception: 'ServiceUnavailableException',
        retryAfterSeconds: 2,
      });

      const error = await rejectionOf(
        local.client.send(new ConverseStreamCommand({ modelId, messages })),
      );

      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect(error.$metadata?.httpStatusCode).toBe(503);
      expect(error.$response?.headers['retry-after']).toBe('2');
    });

    it('plays a non-JSON proxy error as the SDK sees it: a SyntaxError that keeps the status', async () => {
      local.server.enqueue('Converse', {
        kind: 'raw',
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>Bad Gateway</html>',
      });

      const error = await rejectionOf(
        local.client.send(new ConverseCommand({ modelId, messages })),
      );

      expect(error.name).toBe('SyntaxError');
      expect(error.$metadata?.httpStatusCode).toBe(502);
    });

    it('plays an empty 503 as the SDK sees it: name Unknown', async () => {
      local.server.enqueue('Converse', { kind: 'raw', status: 503 });

      const error = await rejectionOf(
        local.client.send(new ConverseCommand({ modelId, messages })),
      );

      expect(error.name).toBe('Unknown');
      expect(error.$metadata?.httpStatusCode).toBe(503);
    });

    it('drops the connection without an HTTP status for a disconnect', async () => {
      local.server.enqueue('Converse', { kind: 'disconnect' });

      const error = await rejectionOf(
        local.client.send(new ConverseCommand({ modelId, messages })),
      );

      expect(error.$metadata?.httpStatusCode).toBeUndefined();
      // HTTP/2: the SDK's own TimeoutError; HTTP/1.1: 'socket hang up' (inside jest the SDK wraps Node's error).
      expect(error.message).toMatch(
        protocol === 'http2' ? /did not get a response/ : /socket hang up/,
      );
      const next = await local.client.send(new ConverseCommand({ modelId, messages }));
      expect(next.output?.message?.content?.[0]?.text).toBe(defaultReplyText);
    });

    it('resets the stream with the code given (HTTP/1.1: drops the connection)', async () => {
      local.server.enqueue('Converse', {
        kind: 'reset-stream',
        code: http2.constants.NGHTTP2_REFUSED_STREAM,
      });

      const error = await rejectionOf(
        local.client.send(new ConverseCommand({ modelId, messages })),
      );

      expect(error.$metadata?.httpStatusCode).toBeUndefined();
      // Inside jest the SDK wraps Node's error in a bare Error whose message quotes it.
      expect(error.message).toMatch(
        protocol === 'http2' ? /ERR_HTTP2_STREAM_ERROR.*NGHTTP2_REFUSED_STREAM/ : /socket hang up/,
      );
      const next = await local.client.send(new ConverseCommand({ modelId, messages }));
      expect(next.output?.message?.content?.[0]?.text).toBe(defaultReplyText);
    });
  });

  describe('streams', () => {
    it('streams InvokeModelWithResponseStream chunks that for-await reads to the end', async () => {
      const chunks = [{ piece: 1 }, { piece: 2 }, { piece: 3 }, { piece: 4 }];
      local.server.enqueue('InvokeModelWithResponseStream', { kind: 'chunks', chunks });

      const output = await local.client.send(
        new InvokeModelWithResponseStreamCommand({ modelId, body: '{}' }),
      );
      const received: unknown[] = [];
      for await (const event of output.body ?? []) {
        received.push(JSON.parse(decodeText(event.chunk?.bytes)));
      }

      expect(received).toEqual(chunks);
      expect(output.contentType).toBe('application/json');
    });

    it('streams ConverseStream events in Bedrock order', async () => {
      local.server.enqueue('ConverseStream', { kind: 'converse-stream', text: ['one', ' two'] });

      const output = await local.client.send(new ConverseStreamCommand({ modelId, messages }));
      const eventNames: string[] = [];
      let text = '';
      for await (const event of output.stream ?? []) {
        eventNames.push(...Object.keys(event).filter((key) => key !== '$unknown'));
        text += event.contentBlockDelta?.delta?.text ?? '';
      }

      expect(eventNames).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(text).toBe('one two');
    });

    it.each<[string, BedrockStreamExceptionName, abstract new (...args: never[]) => Error]>([
      ['ConverseStream', 'ThrottlingException', ThrottlingException],
      ['ConverseStream', 'ModelStreamErrorException', ModelStreamErrorException],
      ['InvokeModelWithResponseStream', 'ServiceUnavailableException', ServiceUnavailableException],
      ['InvokeModelWithResponseStream', 'ModelTimeoutException', ModelTimeoutException],
    ])(
      '%s: a %s in the first frame is thrown by send()',
      async (operation, exception, exceptionClass) => {
        local.server.enqueue('any', {
          kind: 'stream-exception',
          exception,
          message: 'first frame',
        });
        const command =
          operation === 'ConverseStream'
            ? local.client.send(new ConverseStreamCommand({ modelId, messages }))
            : local.client.send(new InvokeModelWithResponseStreamCommand({ modelId, body: '{}' }));

        const error = await rejectionOf(command);

        expect(error).toBeInstanceOf(exceptionClass);
        expect(error.name).toBe(exception);
        expect(error.message).toBe('first frame');
        // The HTTP status was 200; the SDK leaves it out of $metadata for a first-frame exception.
        expect(error.$metadata?.httpStatusCode).toBeUndefined();
      },
    );

    it('throws a mid-stream exception from the for-await loop after the data events, without $metadata', async () => {
      local.server.enqueue('InvokeModelWithResponseStream', {
        kind: 'chunks',
        chunks: ['a', 'b', 'c', 'd'],
        failWith: {
          exception: 'ModelStreamErrorException',
          message: 'model broke',
          afterEvents: 2,
        },
      });

      const output = await local.client.send(
        new InvokeModelWithResponseStreamCommand({ modelId, body: '{}' }),
      );
      const received: unknown[] = [];
      const error = await rejectionOf(
        (async () => {
          for await (const event of output.body ?? []) {
            received.push(JSON.parse(decodeText(event.chunk?.bytes)));
          }
        })(),
      );

      expect(received).toEqual(['a', 'b']);
      expect(error).toBeInstanceOf(ModelStreamErrorException);
      expect(error.message).toBe('model broke');
      expect(error.$metadata?.httpStatusCode).toBeUndefined();
    });

    it('ends a ConverseStream with an exception after all its events when afterEvents is left out', async () => {
      local.server.enqueue('ConverseStream', {
        kind: 'converse-stream',
        text: ['partial'],
        failWith: { exception: 'ThrottlingException' },
      });

      const output = await local.client.send(new ConverseStreamCommand({ modelId, messages }));
      let eventCount = 0;
      const error = await rejectionOf(
        (async () => {
          for await (const event of output.stream ?? []) if (event) eventCount += 1;
        })(),
      );

      expect(eventCount).toBe(5);
      expect(error).toBeInstanceOf(ThrottlingException);
    });
  });

  describe('request log and scripting', () => {
    it('counts requests per operation and shows amz-sdk-request max=1', async () => {
      await local.client.send(new ConverseCommand({ modelId, messages }));
      await local.client.send(new ConverseCommand({ modelId, messages }));
      await local.client.send(new InvokeModelCommand({ modelId, body: '{}' }));

      expect(local.server.requestCount()).toBe(3);
      expect(local.server.requestCount('Converse')).toBe(2);
      expect(local.server.requestCount('InvokeModel')).toBe(1);
      expect(local.server.requests.map((request) => request.headers['amz-sdk-request'])).toEqual([
        'attempt=1; max=1',
        'attempt=1; max=1',
        'attempt=1; max=1',
      ]);
      expect(local.server.requests[0]?.sdkRequest).toEqual({ attempt: 1, max: 1 });
      expect(local.server.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    });

    it('decodes a URL-encoded model id such as an inference-profile ARN', async () => {
      const arn =
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0';

      await local.client.send(new ConverseCommand({ modelId: arn, messages }));

      expect(local.server.requests[0]?.modelId).toBe(arn);
    });

    it('uses the operation queue, then the any queue, then the default, which repeats', async () => {
      local.server.setDefault('any', { kind: 'error', exception: 'ThrottlingException' });
      local.server.enqueue('any', { kind: 'error', exception: 'InternalServerException' });
      local.server.enqueue('Converse', { kind: 'converse', text: 'first' });
      const outcome = () =>
        local.client.send(new ConverseCommand({ modelId, messages })).then(
          (output) => output.output?.message?.content?.[0]?.text,
          (error: SdkErrorShape) => error.name,
        );

      const outcomes = [await outcome(), await outcome(), await outcome(), await outcome()];

      expect(outcomes).toEqual([
        'first',
        'InternalServerException',
        'ThrottlingException',
        'ThrottlingException',
      ]);
    });

    it('answers a response kind that does not fit the operation with a loud LocalScriptMismatch', async () => {
      local.server.enqueue('any', { kind: 'converse', text: 'wrong operation' });

      const error = await rejectionOf(
        local.client.send(new InvokeModelCommand({ modelId, body: '{}' })),
      );

      expect(error.name).toBe('LocalScriptMismatch');
      expect(error.message).toMatch(/'converse' response cannot answer InvokeModel/);
    });

    it('lets the SDK retry 3 times when the client keeps its default maxAttempts', async () => {
      const retryingClient = createLocalBedrockClient(local.server, { maxAttempts: 3 });
      local.server.setDefault('any', { kind: 'error', exception: 'ThrottlingException' });
      // The SDK's backoff is U(0, 1) x base: a random of 0 makes its waits 0 ms.
      const random = jest.spyOn(Math, 'random').mockReturnValue(0);
      try {
        const error = await rejectionOf(
          retryingClient.send(new ConverseCommand({ modelId, messages })),
        );

        expect(error).toBeInstanceOf(ThrottlingException);
        expect(error.$metadata?.attempts).toBe(3);
        expect(local.server.requestCount()).toBe(3);
        expect(local.server.requests.map((request) => request.sdkRequest)).toEqual([
          { attempt: 1, max: 3 },
          { attempt: 2, max: 3 },
          { attempt: 3, max: 3 },
        ]);
      } finally {
        random.mockRestore();
        retryingClient.destroy();
      }
    });
  });

  describe('delays', () => {
    afterEach(() => jest.useRealTimers());

    it('holds a reply for delayMs, driven by fake timers', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      local.server.enqueue('Converse', { kind: 'converse', text: 'late', delayMs: 30_000 });
      let settled = false;
      const reply = local.client
        .send(new ConverseCommand({ modelId, messages }))
        .finally(() => (settled = true));

      await local.server.waitForRequests(1);
      await jest.advanceTimersByTimeAsync(29_999);
      // An undelayed request answered after it: had the first reply gone out at once, it would be in by now.
      await local.client.send(new InvokeModelCommand({ modelId, body: '{}' }));
      expect(settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);

      const output = await reply;
      expect(output.output?.message?.content?.[0]?.text).toBe('late');
    });

    it('paces stream events by eventDelayMs, driven by fake timers', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      local.server.enqueue('InvokeModelWithResponseStream', {
        kind: 'chunks',
        chunks: ['first', 'second'],
        eventDelayMs: 5_000,
      });
      const output = await local.client.send(
        new InvokeModelWithResponseStreamCommand({ modelId, body: '{}' }),
      );
      if (!output.body) throw new Error('expected a stream body');
      const events = output.body[Symbol.asyncIterator]();

      const first = await events.next();
      let secondArrived = false;
      const second = events.next().finally(() => (secondArrived = true));
      await local.client.send(new InvokeModelCommand({ modelId, body: '{}' }));
      expect(secondArrived).toBe(false);
      await jest.advanceTimersByTimeAsync(5_000);

      expect(decodeText(first.value?.chunk?.bytes)).toBe('"first"');
      expect(decodeText((await second).value?.chunk?.bytes)).toBe('"second"');
      expect((await events.next()).done).toBe(true);
    });
  });
});

describe.each(protocols)('closing the local Bedrock server over %s', (protocol) => {
  it('cancels a delayed reply and ends open connections promptly', async () => {
    const server = await startBedrockServer({ protocol });
    const client = createLocalBedrockClient(server);
    try {
      server.enqueue('Converse', { kind: 'converse', text: 'never sent', delayMs: 60_000 });
      const reply = rejectionOf(client.send(new ConverseCommand({ modelId, messages })));
      await server.waitForRequests(1);
      const pendingWait = server.waitForRequests(2);
      const waitRejection = rejectionOf(pendingWait);

      const closedAt = Date.now();
      await server.close();

      expect(Date.now() - closedAt).toBeLessThan(1_000);
      const error = await reply;
      expect(error.$metadata?.httpStatusCode).toBeUndefined();
      expect((await waitRejection).message).toMatch(/closed/);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it('closes even while a client still holds an idle connection', async () => {
    const server = await startBedrockServer({ protocol });
    const client = createLocalBedrockClient(server);
    await client.send(new ConverseCommand({ modelId, messages }));

    await server.close();

    const error = await rejectionOf(client.send(new ConverseCommand({ modelId, messages })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    client.destroy();
  });
});
