// Run by bedrock-reset-stream.test.ts in a plain Node process: inside jest's sandbox Node's errors
// come from another realm and the SDK swaps them for a bare Error without their code (see
// bedrock-refused-connection.script.ts); outside jest, as in production, it rethrows the real one.
import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import http2 from 'node:http2';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type LocalBedrockServer,
} from '../../examples/servers/bedrock-server';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { readProperty } from '../../src/classify/error-shape';
import {
  callerKinds,
  converseInput,
  createCaller,
  replyText,
  type CallerKind,
} from '../integration/bedrock-callers';

const resetCodes = {
  refused: http2.constants.NGHTTP2_REFUSED_STREAM,
  internal: http2.constants.NGHTTP2_INTERNAL_ERROR,
} as const;

async function classifyReset(
  server: LocalBedrockServer,
  client: BedrockRuntimeClient,
  code: number,
): Promise<unknown> {
  server.enqueue('Converse', { kind: 'reset-stream', code });
  try {
    await client.send(new ConverseCommand(converseInput));
    return 'resolved';
  } catch (error) {
    return {
      code: readProperty(error, 'code'),
      message: readProperty(error, 'message'),
      category: classifyError(error),
      beforeProcessing: isFailureBeforeProcessing(error),
    };
  }
}

/** A decorated converse() whose first stream is reset with `code`, then answered. */
async function retryAfterReset(
  server: LocalBedrockServer,
  client: BedrockRuntimeClient,
  kind: CallerKind,
  code: number,
  idempotent: boolean,
): Promise<unknown> {
  const caller = createCaller(kind, client, {
    retry: { maxAttempts: 3, initialDelay: 1, maxDelay: 1, idempotent },
    rateLimit: { initialDelay: 1, maxDelay: 1 },
  });
  server.reset();
  server.enqueue('Converse', { kind: 'reset-stream', code });
  let outcome: string;
  try {
    outcome = replyText(await caller.converse(converseInput)) ?? 'no text';
  } catch (error) {
    outcome = `rejected: ${String(readProperty(error, 'code'))}`;
  }
  return { outcome, requests: server.requestCount('Converse') };
}

async function main(): Promise<void> {
  const server = await startBedrockServer({ protocol: 'http2' });
  const client = createLocalBedrockClient(server);
  try {
    const results: Record<string, unknown> = {};
    for (const [name, code] of Object.entries(resetCodes)) {
      results[name] = await classifyReset(server, client, code);
      for (const kind of callerKinds) {
        for (const idempotent of [true, false]) {
          results[`${name}, ${kind}, idempotent ${idempotent}`] = await retryAfterReset(
            server,
            client,
            kind,
            code,
            idempotent,
          );
        }
      }
    }
    process.stdout.write(JSON.stringify(results));
  } finally {
    client.destroy();
    await server.close();
  }
}

void main();
