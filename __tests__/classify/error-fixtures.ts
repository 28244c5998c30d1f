import { BedrockRuntimeServiceException } from '@aws-sdk/client-bedrock-runtime';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A Node system error as libuv reports it (`connect ECONNREFUSED 127.0.0.1:1`). */
export function systemError(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 127.0.0.1:1`), { code, errno: -1, syscall });
}

/**
 * An AWS service error the way the SDK builds one for an error type its model does not list
 * (UnrecognizedClientException, or any service's throttling name).
 */
export function awsServiceError(
  name: string,
  httpStatusCode?: number,
  fault: 'client' | 'server' = 'client',
): Error {
  return new BedrockRuntimeServiceException({
    name,
    message: `${name} from the service`,
    $fault: fault,
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
  });
}

/** An error with a given `name` and no other AWS fields, as the SDK's handlers throw them. */
export function namedError(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name }, fields);
}

/** Wraps `innermost` in `depth` plain errors linked by `cause`; depth 0 returns `innermost`. */
export function causeChain(innermost: unknown, depth: number): unknown {
  let error = innermost;
  for (let level = 0; level < depth; level += 1) {
    error = new Error(`wrapper ${level}`, { cause: error });
  }
  return error;
}

/** A port on 127.0.0.1 that nothing listens on: listen on port 0, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  server.close();
  await once(server, 'close');
  return address.port;
}

/** What `call` rejected with (a synchronous throw too); fails the test if it resolved. */
export async function rejectionOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
