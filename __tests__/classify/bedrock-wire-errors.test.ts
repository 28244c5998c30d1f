import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockExceptionName,
  type BedrockProtocol,
  type BedrockStreamExceptionName,
  type LocalBedrockServer,
  type ScriptedResponse,
} from '../../examples/servers/bedrock-server';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';
import { readProperty } from '../../src/classify/error-shape';
import { isRateLimitError } from '../../src/classify/rate-limit';
import { useLocalBedrock } from '../integration/bedrock-callers';
import { rejectionOf } from './error-fixtures';

// shared/reference/error-taxonomy.md, "Bedrock Runtime exceptions", checked against what the real
// BedrockRuntimeClient throws when a local server answers as Bedrock does (status, x-amzn-errortype,
// JSON body; exception frames in event streams), over both of the SDK's transports.

const { RETRYABLE, NON_RETRYABLE, AUTH_FAILURE, TIMEOUT } = ErrorCategory;
const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const messages = [{ role: 'user' as const, content: [{ text: 'Hello?' }] }];
const protocols: BedrockProtocol[] = ['http2', 'http1'];

type Operation = 'Converse' | 'InvokeModel' | 'ConverseStream' | 'InvokeModelWithResponseStream';

async function send(client: BedrockRuntimeClient, operation: Operation): Promise<void> {
  switch (operation) {
    case 'Converse':
      await client.send(new ConverseCommand({ modelId, messages }));
      return;
    case 'InvokeModel':
      await client.send(new InvokeModelCommand({ modelId, body: '{}' }));
      return;
    case 'ConverseStream': {
      const output = await client.send(new ConverseStreamCommand({ modelId, messages }));
      for await (const event of output.stream ?? []) expect(event).toBeDefined();
      return;
    }
    case 'InvokeModelWithResponseStream': {
      const output = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId, body: '{}' }),
      );
      for await (const event of output.body ?? []) expect(event).toBeDefined();
      return;
    }
  }
}

// exception, HTTP status, category, rate limit, known to be rejected before processing
const httpErrors: [BedrockExceptionName, number, ErrorCategory, boolean, boolean][] = [
  ['ThrottlingException', 429, RETRYABLE, true, true],
  ['ModelNotReadyException', 429, RETRYABLE, true, true],
  ['ServiceUnavailableException', 503, RETRYABLE, false, true],
  ['InternalServerException', 500, RETRYABLE, false, false],
  ['ModelTimeoutException', 408, TIMEOUT, false, false],
  ['ModelStreamErrorException', 424, RETRYABLE, false, false],
  ['ModelErrorException', 424, NON_RETRYABLE, false, false],
  ['ServiceQuotaExceededException', 400, NON_RETRYABLE, false, false],
  ['ValidationException', 400, NON_RETRYABLE, false, false],
  ['ConflictException', 400, NON_RETRYABLE, false, false],
  ['ResourceNotFoundException', 404, NON_RETRYABLE, false, false],
  ['AccessDeniedException', 403, AUTH_FAILURE, false, false],
  ['UnrecognizedClientException', 403, AUTH_FAILURE, false, false],
  ['ExpiredTokenException', 403, AUTH_FAILURE, false, false],
];

// exception, category, rate limit
const streamErrors: [BedrockStreamExceptionName, ErrorCategory, boolean][] = [
  ['ThrottlingException', RETRYABLE, true],
  ['ModelStreamErrorException', RETRYABLE, false],
  ['InternalServerException', RETRYABLE, false],
  ['ServiceUnavailableException', RETRYABLE, false],
  ['ValidationException', NON_RETRYABLE, false],
  // ConverseStream does not model it: there it arrives as a plain Error named modelTimeoutException.
  ['ModelTimeoutException', TIMEOUT, false],
];

describe.each(protocols)('Bedrock errors from the wire over %s', (protocol) => {
  const local = useLocalBedrock(protocol);

  describe.each<Operation>(['Converse', 'InvokeModel'])('%s answered with an HTTP error', (op) => {
    it.each(httpErrors)(
      '%s (HTTP %i): %s, rate limit %s, before processing %s',
      async (exception, status, category, rateLimit, beforeProcessing) => {
        local.server.enqueue(op, { kind: 'error', exception, retryAfterSeconds: 3 });
        const error = await rejectionOf(() => send(local.client, op));
        expect(error).toMatchObject({ name: exception, $metadata: { httpStatusCode: status } });
        expect(classifyError(error)).toBe(category);
        expect(isRateLimitError(error)).toBe(rateLimit);
        expect(isFailureBeforeProcessing(error)).toBe(beforeProcessing);
        // Retry-After reaches the error only through the SDK's hidden $response.
        expect(readRetryAfter(error, Date.now())).toBe(3_000);
      },
    );
  });

  describe.each<[Operation, number]>([
    ['ConverseStream', 2],
    ['InvokeModelWithResponseStream', 1],
  ])('%s failing inside the event stream', (op, eventsBefore) => {
    const streamReply = (
      exception: BedrockStreamExceptionName,
      afterEvents: number,
    ): ScriptedResponse =>
      op === 'ConverseStream'
        ? { kind: 'converse-stream', text: ['a'], failWith: { exception, afterEvents } }
        : { kind: 'chunks', chunks: [{ a: 1 }], failWith: { exception, afterEvents } };

    it.each(streamErrors)(
      '%s in the first frame, thrown by send(): %s, rate limit %s',
      async (exception, category, rateLimit) => {
        local.server.enqueue(op, { kind: 'stream-exception', exception });
        const error = await rejectionOf(() => send(local.client, op));
        expect(readProperty(error, 'name')).toMatch(new RegExp(`^${exception}$`, 'i'));
        expect(classifyError(error)).toBe(category);
        expect(isRateLimitError(error)).toBe(rateLimit);
      },
    );

    it.each(streamErrors)(
      '%s after data arrived, without $metadata: %s, rate limit %s',
      async (exception, category, rateLimit) => {
        local.server.enqueue(op, streamReply(exception, eventsBefore));
        const error = await rejectionOf(() => send(local.client, op));
        expect(readProperty(error, 'name')).toMatch(new RegExp(`^${exception}$`, 'i'));
        expect(readProperty(error, '$metadata')).toBeUndefined();
        expect(classifyError(error)).toBe(category);
        expect(isRateLimitError(error)).toBe(rateLimit);
      },
    );
  });

  it.each<[number, string | undefined, ErrorCategory, boolean]>([
    [502, '<html><body>Bad Gateway</body></html>', RETRYABLE, false],
    [503, undefined, RETRYABLE, true],
    [504, undefined, TIMEOUT, false],
    [500, undefined, RETRYABLE, false],
    [501, undefined, NON_RETRYABLE, false],
    [505, undefined, NON_RETRYABLE, false],
    [408, undefined, TIMEOUT, false],
    [429, undefined, RETRYABLE, true],
  ])(
    'a bare HTTP %i (no error type, body not JSON): classified by its status',
    async (status, body, category, beforeProcessing) => {
      local.server.enqueue('Converse', {
        kind: 'raw',
        status,
        ...(body === undefined ? {} : { headers: { 'content-type': 'text/html' }, body }),
      });
      const error = await rejectionOf(() => send(local.client, 'Converse'));
      expect(error).toMatchObject({ $metadata: { httpStatusCode: status } });
      expect(classifyError(error)).toBe(category);
      expect(isFailureBeforeProcessing(error)).toBe(beforeProcessing);
      expect(isRateLimitError(error)).toBe(status === 429);
    },
  );

  it('x-amz-retry-after (milliseconds) on a throttled reply is read before retry-after', async () => {
    local.server.enqueue('Converse', {
      kind: 'raw',
      status: 429,
      headers: {
        'x-amzn-errortype': 'ThrottlingException',
        'content-type': 'application/json',
        'x-amz-retry-after': '1500',
        'retry-after': '9',
      },
      body: '{"message":"slow down"}',
    });
    const error = await rejectionOf(() => send(local.client, 'Converse'));
    expect(error).toMatchObject({ name: 'ThrottlingException' });
    expect(readRetryAfter(error, Date.now())).toBe(1_500);
  });
});

describe("the SDK's own failures", () => {
  let server: LocalBedrockServer;

  beforeAll(async () => {
    server = await startBedrockServer({ protocol: 'http1' });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('a requestTimeout of NodeHttpHandler (TimeoutError with code ETIMEDOUT): TIMEOUT, maybe processed', async () => {
    const client = createLocalBedrockClient(server, {
      requestHandler: new NodeHttpHandler({ requestTimeout: 20, throwOnRequestTimeout: true }),
    });
    server.enqueue('Converse', { kind: 'converse', text: 'late', delayMs: 60_000 });
    try {
      const error = await rejectionOf(() => send(client, 'Converse'));
      expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
      expect(classifyError(error)).toBe(TIMEOUT);
      expect(isFailureBeforeProcessing(error)).toBe(false);
    } finally {
      client.destroy();
    }
  });

  describe('with no credentials anywhere', () => {
    const isolated: Record<string, string | undefined> = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/tenacious/credentials',
      AWS_CONFIG_FILE: '/nonexistent/tenacious/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const saved: Record<string, string | undefined> = {};
    beforeAll(() => {
      for (const [name, value] of Object.entries(isolated)) {
        saved[name] = process.env[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    afterAll(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('the default provider chain fails before any request (CredentialsProviderError): AUTH_FAILURE', async () => {
      const client = createLocalBedrockClient(server, { credentials: undefined });
      try {
        const error = await rejectionOf(() => send(client, 'Converse'));
        expect(error).toMatchObject({ name: 'CredentialsProviderError' });
        expect(classifyError(error)).toBe(AUTH_FAILURE);
        expect(isFailureBeforeProcessing(error)).toBe(false);
        expect(server.requests).toHaveLength(0);
      } finally {
        client.destroy();
      }
    });
  });
});
