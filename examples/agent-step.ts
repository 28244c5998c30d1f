// An agent loop on Bedrock Converse: each `step()` sends the conversation so far plus the user's
// turn, and appends both, with the assistant's reply, to the agent's state. Throttling and a
// transient outage between steps are retried by the stacked @RetryOnRateLimit + @Retry. The state
// changes only after a successful call, so a retried step never appends a turn twice.
// Run it: npm run example -- agent-step
import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { Retry, RetryOnRateLimit } from '../src';
import type { ExampleMain } from './example';
import { createLocalBedrockClient, startBedrockServer } from './servers/bedrock-server';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

function logRetry(error: unknown, attempt: number, delayMs: number): void {
  log(`    attempt ${attempt} failed (${(error as Error).name}); retrying in ${delayMs} ms`);
}

class Agent {
  readonly messages: Message[] = [];

  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly instructions: string,
  ) {}

  // Delays shortened so the example runs in a moment; the defaults start at 2 s (rate limits) and 1 s.
  @RetryOnRateLimit({ maxAttempts: 6, initialDelay: 20, onRetry: logRetry })
  @Retry({ maxAttempts: 3, initialDelay: 20, onRetry: logRetry })
  async step(userText: string): Promise<string> {
    const userTurn: Message = { role: 'user', content: [{ text: userText }] };
    const output = await this.client.send(
      new ConverseCommand({
        modelId,
        system: [{ text: this.instructions }],
        messages: [...this.messages, userTurn],
      }),
    );
    const reply = output.output?.message;
    if (reply === undefined) {
      throw new Error(`Converse returned no message (stopReason ${output.stopReason})`);
    }
    // Only here, after the call succeeded: a failed attempt leaves the conversation as it was.
    this.messages.push(userTurn, reply);
    return reply.content?.map((block) => block.text ?? '').join('') ?? '';
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    server.enqueue(
      'Converse',
      {
        kind: 'converse',
        text: 'I will plan the trip: first the dates, then trains, then a hotel.',
      },
      { kind: 'error', exception: 'ThrottlingException' },
      { kind: 'error', exception: 'ThrottlingException' },
      { kind: 'converse', text: 'The 9:13 train from London arrives in Paris at 12:47.' },
      { kind: 'error', exception: 'ServiceUnavailableException' },
      { kind: 'error', exception: 'ModelNotReadyException' },
      { kind: 'converse', text: 'Hotel du Nord has a room near Gare du Nord for 140 EUR.' },
    );
    const agent = new Agent(client, 'You are a travel agent. Answer in one sentence.');
    const turns = [
      'Plan a day trip to Paris on 12 May.',
      'Find a morning train.',
      'And a hotel for one night?',
    ];

    for (const [index, turn] of turns.entries()) {
      const before = server.requestCount();
      print(`step ${index + 1}: "${turn}"`);
      await agent.step(turn);
      print(
        `  done after ${server.requestCount() - before} request(s); the conversation has ${agent.messages.length} messages`,
      );
    }

    print('conversation:');
    for (const message of agent.messages) {
      print(`  [${message.role}] ${message.content?.map((block) => block.text).join('')}`);
    }
    const lastRequest = server.requests.at(-1)?.body as { messages?: unknown[] } | undefined;
    print(
      `the last request carried ${lastRequest?.messages?.length} messages: no turn was sent twice`,
    );
  } finally {
    client.destroy();
    await server.close();
  }
};
