// InvokeModel under a rate limit: Bedrock answers ThrottlingException (429) twice, the second time
// with `Retry-After: 0.1`, then the completion. @RetryOnRateLimit retries the throttles on its own
// lane, waiting at least what the server asked for, around a plain client.send(InvokeModelCommand).
// Run it: npm run example -- bedrock-invoke-rate-limit
import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { RetryOnRateLimit } from '../src';
import type { ExampleMain } from './example';
import { createLocalBedrockClient, startBedrockServer } from './servers/bedrock-server';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

/** The Anthropic Messages body that InvokeModel returns for Claude models. */
interface ClaudeReply {
  content: Array<{ type: string; text: string }>;
}

class CompletionClient {
  // The client is created with maxAttempts: 1, so the SDK does not retry under this policy.
  constructor(private readonly client: BedrockRuntimeClient) {}

  // Delays shortened so the example runs in a moment; the rate-limit defaults start at 2 s, up to 120 s.
  @RetryOnRateLimit({
    maxAttempts: 5,
    initialDelay: 50,
    onRetry: (error, attempt, delayMs) =>
      log(`  attempt ${attempt} throttled (${(error as Error).name}); retrying in ${delayMs} ms`),
  })
  async complete(prompt: string): Promise<string> {
    const output = await this.client.send(
      new InvokeModelCommand({
        modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 200,
          messages: [{ role: 'user', content: prompt }],
        }),
      }),
    );
    const reply = JSON.parse(new TextDecoder().decode(output.body)) as ClaudeReply;
    return reply.content.map((block) => block.text).join('');
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    server.enqueue(
      'InvokeModel',
      {
        kind: 'error',
        exception: 'ThrottlingException',
        message: 'Too many requests, please wait before trying again.',
      },
      { kind: 'error', exception: 'ThrottlingException', retryAfterSeconds: 0.1 },
      {
        kind: 'invoke',
        body: {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text: 'Paris.' }],
          stop_reason: 'end_turn',
        },
      },
    );
    const completions = new CompletionClient(client);

    print(
      'InvokeModel "What is the capital of France?" (throttled, throttled with Retry-After: 0.1, then the answer)',
    );
    const answer = await completions.complete('What is the capital of France?');
    print(`completion: "${answer}", after ${server.requestCount('InvokeModel')} requests`);
  } finally {
    client.destroy();
    await server.close();
  }
};
