import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where a local Bedrock server listens and which protocol it speaks. */
export interface BedrockServerAddress {
  endpoint: string;
  protocol: 'http2' | 'http1';
}

/**
 * A real `BedrockRuntimeClient` pointed at a local server: region us-east-1, fake static credentials,
 * SDK retries off (`maxAttempts: 1`, so an outer policy's attempts are the only ones), and the HTTP/1.1
 * handler when the server speaks HTTP/1.1. `extra` wins over all of these, e.g. `{ maxAttempts: 3 }`.
 * Call `client.destroy()` when done so no socket or HTTP/2 session stays open.
 */
export function createLocalBedrockClient(
  server: BedrockServerAddress,
  extra: BedrockRuntimeClientConfig = {},
): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    maxAttempts: 1,
    ...(server.protocol === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
    ...extra,
  });
}
