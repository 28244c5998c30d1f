// A batch of 12 support tickets classified by a model on Bedrock, under rate limits. Each ticket is
// one retried call (stacked @RetryOnRateLimit + @Retry); progress is printed as it goes, a ticket that
// fails for good (a ValidationException, or throttling that outlasts the rate-limit lane) is recorded
// and the batch moves on; a report at the end lists what failed and why.
// Run it: npm run example -- batch-processing
import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { Retry, RetryOnRateLimit, classifyError, isRateLimitError } from '../src';
import type { ExampleMain } from './example';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type ScriptedResponse,
} from './servers/bedrock-server';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
const rateLimitAttempts = 3;
const retryAttempts = 3;

interface Ticket {
  readonly id: string;
  readonly text: string;
}

interface Failure {
  readonly ticket: Ticket;
  readonly attempts: number;
  readonly error: unknown;
}

class TicketClassifier {
  /** Attempts per ticket id, counted by the method itself: each retry is a new call of it. */
  readonly attempts = new Map<string, number>();

  constructor(private readonly client: BedrockRuntimeClient) {}

  // Delays shortened so the example runs in a moment; the defaults start at 2 s (rate limits) and 1 s.
  @RetryOnRateLimit({ maxAttempts: rateLimitAttempts, initialDelay: 10, maxDelay: 50 })
  @Retry({ maxAttempts: retryAttempts, initialDelay: 10, maxDelay: 50 })
  async classify(ticket: Ticket): Promise<string> {
    this.attempts.set(ticket.id, (this.attempts.get(ticket.id) ?? 0) + 1);
    const output = await this.client.send(
      new ConverseCommand({
        modelId,
        system: [
          {
            text: 'Classify the support ticket as one of: billing, shipping, account, other. Answer with the label only.',
          },
        ],
        messages: [{ role: 'user', content: [{ text: ticket.text }] }],
      }),
    );
    return output.output?.message?.content?.[0]?.text ?? '';
  }
}

/** Why a ticket failed for good, in words. */
function explain({ error, attempts }: Failure): string {
  const name = (error as Error).name;
  if (isRateLimitError(error)) {
    return `${name}, still rate limited after ${attempts} attempts (the rate-limit lane allows ${rateLimitAttempts})`;
  }
  const category = classifyError(error);
  if (attempts === 1) return `${name}, not retryable (${category}): ${(error as Error).message}`;
  return `${name}, still failing after ${attempts} attempts (${category})`;
}

const reply = (text: string): ScriptedResponse => ({ kind: 'converse', text });
const throttled: ScriptedResponse = { kind: 'error', exception: 'ThrottlingException' };

/** What the local Bedrock answers, ticket after ticket (the batch runs one ticket at a time). */
const script: ScriptedResponse[] = [
  reply('billing'),
  throttled,
  reply('shipping'),
  reply('account'),
  {
    kind: 'error',
    exception: 'ValidationException',
    message: 'Input is too long for requested model.',
  },
  throttled,
  throttled,
  reply('billing'),
  reply('other'),
  { kind: 'error', exception: 'ServiceUnavailableException' },
  reply('shipping'),
  throttled,
  throttled,
  throttled,
  reply('account'),
  { kind: 'error', exception: 'ModelNotReadyException' },
  reply('billing'),
  reply('shipping'),
  { kind: 'error', exception: 'InternalServerException' },
  throttled,
  reply('other'),
];

const ticketTexts = [
  'I was charged twice this month.',
  'My parcel has not arrived yet.',
  'How do I change my e-mail address?',
  'Here is our full log file, please read all of it: ...',
  'The invoice shows the wrong VAT number.',
  'Do you sell gift cards?',
  'The courier left the box at the wrong door.',
  'Please cancel my order from yesterday.',
  'I cannot log in after the password reset.',
  'Refund still not received after two weeks.',
  'Can I pick up the order in the shop?',
  'Is there a student discount?',
];

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    server.enqueue('Converse', ...script);
    const tickets: Ticket[] = ticketTexts.map((text, index) => ({ id: `T-${101 + index}`, text }));
    const classifier = new TicketClassifier(client);
    const failures: Failure[] = [];

    log(`classifying ${tickets.length} tickets`);
    for (const [index, ticket] of tickets.entries()) {
      const progress = `[${index + 1}/${tickets.length}] ${ticket.id}`;
      try {
        const label = await classifier.classify(ticket);
        const attempts = classifier.attempts.get(ticket.id) ?? 0;
        log(`${progress} ok after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${label}`);
      } catch (error) {
        // One ticket failing for good does not stop the batch.
        const attempts = classifier.attempts.get(ticket.id) ?? 0;
        failures.push({ ticket, attempts, error });
        log(
          `${progress} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${(error as Error).name}`,
        );
      }
    }

    log(
      `report: ${tickets.length - failures.length} of ${tickets.length} classified, ${failures.length} failed, ${server.requestCount()} requests in all`,
    );
    for (const failure of failures) log(`  ${failure.ticket.id}: ${explain(failure)}`);
  } finally {
    client.destroy();
    await server.close();
  }
};
