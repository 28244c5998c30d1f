// Run by real-failures.test.ts in a plain Node process. Inside jest's sandbox Node's own errors come
// from another realm, so the SDK's `error instanceof Error` fails and it replaces them with a bare
// wrapper; outside jest (as in production) the SDK rethrows the real error, which is what we check.
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { classifyError } from '../../src/classify/classify-error';
import { readProperty } from '../../src/classify/error-shape';
import { closedPort } from './error-fixtures';

async function main(): Promise<void> {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const results: Record<string, unknown> = {};
  for (const transport of ['http2', 'http1'] as const) {
    const client = new BedrockRuntimeClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      maxAttempts: 1,
      ...(transport === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
    });
    try {
      await client.send(new InvokeModelCommand({ modelId: 'model', body: '{}' }));
      results[transport] = 'resolved';
    } catch (error) {
      results[transport] = {
        code: readProperty(error, 'code'),
        causeCode: readProperty(readProperty(error, 'cause'), 'code'),
        category: classifyError(error),
        beforeProcessing: isFailureBeforeProcessing(error),
      };
    } finally {
      client.destroy();
    }
  }
  process.stdout.write(JSON.stringify(results));
}

void main();
