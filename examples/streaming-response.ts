// Streaming a model's answer with ResilientBedrock.converseStream: the first try is throttled in
// its very first frame, so nothing was shown yet and the stream is retried; the second streams the
// text, printed piece by piece as it arrives. A stream that breaks after text arrived is rethrown,
// not retried: a new attempt would print the beginning again.
// Run it: npm run example -- streaming-response
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { ResilientBedrock } from '../src/bedrock';
import type { ExampleMain } from './example';
import { createLocalBedrockClient, startBedrockServer } from './servers/bedrock-server';

const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';

let log: (line: string) => void = console.log;

/** Prints each text piece as it arrives; returns the whole text. */
async function printStream(events: AsyncIterable<ConverseStreamOutput>): Promise<string> {
  let text = '';
  for await (const event of events) {
    const piece = event.contentBlockDelta?.delta?.text;
    if (piece === undefined) continue;
    text += piece;
    log(`  > ${JSON.stringify(piece)}`);
  }
  return text;
}

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startBedrockServer();
  const client = createLocalBedrockClient(server);
  try {
    // Delays shortened so the example runs in a moment; the defaults start at 2 s (rate limits) and 1 s.
    const bedrock = new ResilientBedrock({
      client,
      rateLimit: {
        initialDelay: 50,
        onRetry: (error, attempt, delayMs) =>
          print(
            `  attempt ${attempt} failed (${(error as Error).name}); retrying in ${delayMs} ms`,
          ),
      },
      retry: { initialDelay: 50 },
    });
    const ask = (text: string) =>
      bedrock.converseStream({ modelId, messages: [{ role: 'user', content: [{ text }] }] });

    print(
      'ConverseStream "Write a haiku about retries." (throttlingException in the first frame, then the stream)',
    );
    server.enqueue(
      'ConverseStream',
      { kind: 'stream-exception', exception: 'ThrottlingException' },
      {
        kind: 'converse-stream',
        text: ['Try once,', ' then again', ' —', ' patience', ' wins.'],
        eventDelayMs: 20,
      },
    );
    const haiku = await printStream(ask('Write a haiku about retries.'));
    print(`streamed "${haiku}" after ${server.requestCount('ConverseStream')} requests`);

    server.reset();
    print(
      'ConverseStream "Tell a long story." (modelStreamErrorException after two pieces of text)',
    );
    server.enqueue('ConverseStream', {
      kind: 'converse-stream',
      text: ['Once upon', ' a time', ' there was', ' a server.'],
      eventDelayMs: 20,
      // messageStart and two text deltas, then the error.
      failWith: { exception: 'ModelStreamErrorException', afterEvents: 3 },
    });
    try {
      await printStream(ask('Tell a long story.'));
      print('the story ended (unexpected)');
    } catch (error) {
      print(
        `rethrown, not retried: ${(error as Error).name} after ${server.requestCount('ConverseStream')} request(s); the text above was not repeated`,
      );
    }
  } finally {
    client.destroy();
    await server.close();
  }
};
