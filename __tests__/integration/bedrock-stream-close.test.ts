import { getEventListeners } from 'node:events';
import type { BedrockProtocol } from '../../examples/servers/bedrock-server';
import { waitFor } from '../../examples/servers/wait-for';
import { ResilientBedrock } from '../../src/bedrock';
import {
  describeChunkEvent,
  describeConverseEvent,
  drain,
  modelId,
  useLocalBedrock,
  userMessages,
} from './bedrock-callers';

// A consumer that breaks out of a ResilientBedrock stream after its first event wants no more of
// it: the request ends at once, as an aborted one does, and the model stops generating. The SDK's
// event-stream decoder alone never closes the response body it reads (its iteration is by hand),
// so without this the request would run on to the end of the answer. The server here sends the
// first event, then would wait 10 s before the next: only a cancelled request ends sooner. A
// caller's abort there cancels it too, and the stream rejects with the abort's reason: alone, the
// SDK ends the stream quietly over HTTP/2 and fails it with ECONNRESET over HTTP/1.1.

const protocols: BedrockProtocol[] = ['http2', 'http1'];
const backoff = { initialDelay: 1, maxDelay: 50, random: () => 0 } as const;
const stallAfterFirst = 10_000;

describe.each(protocols)('a ResilientBedrock stream over %s', (protocol) => {
  const local = useLocalBedrock(protocol);
  let bedrock: ResilientBedrock;

  beforeAll(() => {
    bedrock = new ResilientBedrock({ client: local.client, retry: backoff, rateLimit: backoff });
  });

  const streams = {
    converseStream: (abortSignal: AbortSignal) => {
      local.server.enqueue('ConverseStream', {
        kind: 'converse-stream',
        text: ['Once', ' upon'],
        eventDelayMs: stallAfterFirst,
      });
      const input = { modelId, messages: userMessages('Tell a story.') };
      return bedrock.converseStream(input, { abortSignal });
    },
    invokeModelWithResponseStream: (abortSignal: AbortSignal) => {
      local.server.enqueue('InvokeModelWithResponseStream', {
        kind: 'chunks',
        chunks: [{ text: 'Once' }, { text: ' upon' }],
        eventDelayMs: stallAfterFirst,
      });
      const input = { modelId, body: JSON.stringify({ prompt: 'Tell a story.' }) };
      return bedrock.invokeModelWithResponseStream(input, { abortSignal });
    },
  };

  it.each(Object.keys(streams) as (keyof typeof streams)[])(
    '%s: a break after the first event cancels the request and leaves no listener on the signal',
    async (method) => {
      const signal = new AbortController().signal;
      const abandonedBefore = local.server.abandonedCount;
      let events = 0;
      for await (const event of streams[method](signal)) {
        void event;
        events += 1;
        break;
      }

      await waitFor(() => local.server.abandonedCount > abandonedBefore, 2_000);
      expect(events).toBe(1);
      expect(local.server.abandonedCount).toBe(abandonedBefore + 1);
      expect(local.server.requestCount()).toBe(1);
      expect(getEventListeners(signal, 'abort')).toEqual([]);
    },
  );

  it.each(Object.keys(streams) as (keyof typeof streams)[])(
    '%s: an abort after the first event rejects with the signal’s reason, not a cut stream',
    async (method) => {
      const controller = new AbortController();
      const reason = new Error('the caller left');
      const abandonedBefore = local.server.abandonedCount;
      const events: unknown[] = [];
      const reading = (async () => {
        for await (const event of streams[method](controller.signal)) {
          events.push(event);
          controller.abort(reason);
        }
      })();

      await expect(reading).rejects.toBe(reason);
      await waitFor(() => local.server.abandonedCount > abandonedBefore, 2_000);
      expect(events).toHaveLength(1);
      expect(local.server.requestCount()).toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    },
  );

  it('streams to the end as before, and the connection serves the next call', async () => {
    const abandonedBefore = local.server.abandonedCount;
    const first = await drain(
      bedrock.converseStream({ modelId, messages: userMessages('Hello?') }),
      describeConverseEvent,
    );
    const second = await drain(
      bedrock.invokeModelWithResponseStream({ modelId, body: '{}' }),
      describeChunkEvent,
    );

    expect(first.error).toBeUndefined();
    expect(first.received).toHaveLength(7);
    expect(second.error).toBeUndefined();
    expect(second.received).toHaveLength(3);
    expect(local.server.abandonedCount).toBe(abandonedBefore);
  });
});
