// A tokens-per-minute quota for Bedrock, kept on the client: @RateLimit with `cost` from each
// Converse request's maxTokens (plus a rough count of the prompt's tokens). Five requests of 318
// tokens each against a quota of 1,000 tokens: three go at once, the others wait for their turn; a
// request bigger than the whole quota is refused at once, as it could never pass.
// Run it: npm run example -- rate-limit-bedrock-tokens
import {
  ConverseCommand,
  type BedrockRuntimeClient,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { RateLimit, RateLimiter, stats } from '../src';
import type { ExampleMain } from './example';
import { createLocalBedrockClient, startBedrockServer } from './servers/bedrock-server';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

/** About four characters a token: an estimate is enough to pace by. */
function estimateTokens(input: ConverseCommandInput): number {
  const promptCharacters = JSON.stringify(input.messages ?? []).length;
  return Math.ceil(promptCharacters / 4) + (input.inferenceConfig?.maxTokens ?? 4096);
}

// The quota is 1,000 tokens a minute; here the minute is scaled down to 100 ms so the example runs
// in a moment. Shared by every method (and every instance) that draws on the model's quota.
const interval = 100;
const tokenQuota = new RateLimiter({
  limit: 1000,
  interval,
  maxWait: 2 * interval,
  cost: ([input]) => estimateTokens(input as ConverseCommandInput),
});

class Assistant {
  constructor(private readonly client: BedrockRuntimeClient) {}

  @RateLimit(tokenQuota)
  async ask(input: ConverseCommandInput): Promise<string> {
    const output = await this.client.send(new ConverseCommand(input));
    return output.output?.message?.content?.[0]?.text ?? '';
  }
}

const question = (text: string, maxTokens: number): ConverseCommandInput => ({
  modelId,
  messages: [{ role: 'user', content: [{ text }] }],
  inferenceConfig: { maxTokens },
});

export const main: ExampleMain = async (print) => {
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    // One request outside the quota first, so that the SDK's first-call setup does not delay the
    // requests below between their turns.
    await client.send(new ConverseCommand(question('Warm up.', 1)));
    server.reset();
    const assistant = new Assistant(client);
    const questions = ['Paris?', 'Rome?', 'Oslo?', 'Lima?', 'Kyiv?'].map((city) =>
      question(`What is ${city} the capital of?`, 300),
    );
    const tokens = questions.map(estimateTokens);
    print(`5 Converse requests of ${tokens[0]} tokens each, against 1000 tokens a (scaled) minute`);

    const started = performance.now();
    const sentAt: number[] = [];
    await Promise.all(
      questions.map(async (input) => {
        await assistant.ask(input);
        sentAt.push(performance.now() - started);
      }),
    );
    const { granted, waited } = stats(tokenQuota);
    print(
      `answered: ${server.requestCount('Converse')}; at once: ${granted - waited}, after a wait: ${waited}`,
    );
    // The limiter never lets a request go early: the last one is due once the tokens beyond the
    // burst are paid for, at 1000 tokens per interval.
    const total = tokens.reduce((sum, each) => sum + each, 0);
    const earliestLast = ((total - 1000) * interval) / 1000;
    print(
      `the last answer came after ${Math.round(Math.max(...sentAt))} ms; paced (not before ${Math.ceil(earliestLast)} ms): ${Math.max(...sentAt) >= earliestLast}`,
    );

    const refused = await assistant
      .ask(question('Write a novel.', 2000))
      .catch((error: unknown) => error);
    print(
      `a request for ${estimateTokens(question('Write a novel.', 2000))} tokens: ${String(refused)}`,
    );
    print(`requests the server saw: ${server.requestCount('Converse')}`);
  } finally {
    client.destroy();
    await server.close();
  }
};
