import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** Frame encoding for `application/vnd.amazon.eventstream` responses (shared/reference/bedrock-wire.md). */

export const eventStreamContentType = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeader(value: string) {
  return { type: 'string', value } as const;
}

/** A data event such as `chunk` or `contentBlockDelta`, its payload sent as JSON. */
export function encodeEventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': stringHeader('event'),
      ':event-type': stringHeader(eventType),
      ':content-type': stringHeader('application/json'),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An error inside the stream; `exceptionType` is the camelCase union member, e.g. `throttlingException`. */
export function encodeExceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': stringHeader('exception'),
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader('application/json'),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/**
 * An InvokeModelWithResponseStream `chunk` event. The model's own chunk travels base64-encoded in
 * `bytes`; the SDK hands the caller the decoded bytes. A Uint8Array is sent as is, anything else as JSON.
 */
export function encodeChunkFrame(modelChunk: unknown): Uint8Array {
  const bytes =
    modelChunk instanceof Uint8Array ? modelChunk : fromUtf8(JSON.stringify(modelChunk));
  return encodeEventFrame('chunk', { bytes: Buffer.from(bytes).toString('base64') });
}
