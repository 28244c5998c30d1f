import {
  ServiceUnavailableException,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type LocalBedrockServer,
} from '../../examples/servers/bedrock-server';
import { Breaker, BrokenCircuitError, CircuitBreaker, Retry } from '../../src';
import { ResilientBedrock } from '../../src/bedrock';
import { fakeDateOnly } from './fake-date';
import { converseInput, replyText } from './bedrock-callers';
import { ConverseCommand, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';

// The breaker with the real BedrockRuntimeClient against the local Bedrock server: through
// ResilientBedrock's `circuitBreaker` option and through a user's own decorated class. Only Date
// is fake (the breaker's clock); sockets and timers are real, and retries immediate.

const start = 1_800_000_000_000;

let server: LocalBedrockServer;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  server = await startBedrockServer({ protocol: 'http1' });
  client = createLocalBedrockClient(server);
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

beforeEach(() => {
  server.reset();
  jest.useFakeTimers(fakeDateOnly);
  jest.setSystemTime(start);
});

afterEach(() => {
  jest.useRealTimers();
});

class Assistant {
  constructor(private readonly bedrock: BedrockRuntimeClient) {}

  @Retry({ maxAttempts: 3, delays: [0] })
  @CircuitBreaker({ consecutiveFailures: 3, breakDuration: 30_000 })
  async converse(): Promise<ConverseCommandOutput> {
    return this.bedrock.send(new ConverseCommand(converseInput));
  }
}

const callers: [string, () => { converse(): Promise<ConverseCommandOutput> }][] = [
  [
    'ResilientBedrock',
    () => {
      const bedrock = new ResilientBedrock({
        client,
        retry: { maxAttempts: 3, delays: [0] },
        circuitBreaker: new Breaker({ consecutiveFailures: 3, breakDuration: 30_000 }),
      });
      return { converse: () => bedrock.converse(converseInput) };
    },
  ],
  ['a decorated class', () => new Assistant(client)],
];

describe.each(callers)('an outage of Bedrock through %s', (_name, makeCaller) => {
  it('opens the breaker after the last real error; no request reaches the server until the probe', async () => {
    const caller = makeCaller();
    server.setDefault('Converse', { kind: 'error', exception: 'ServiceUnavailableException' });

    await expect(caller.converse()).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(server.requestCount('Converse')).toBe(3);

    for (let call = 0; call < 10; call++) {
      jest.setSystemTime(start + call * 2_000);
      await expect(caller.converse()).rejects.toBeInstanceOf(BrokenCircuitError);
    }
    expect(server.requestCount('Converse')).toBe(3);

    server.reset();
    server.setDefault('Converse', { kind: 'converse', text: 'back' });
    jest.setSystemTime(start + 30_000);
    expect(replyText(await caller.converse())).toBe('back');
    expect(server.requestCount('Converse')).toBe(1);
  });
});
