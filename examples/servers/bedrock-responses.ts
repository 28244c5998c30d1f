import type { BedrockExceptionName, BedrockStreamExceptionName } from './bedrock-exceptions';

/** The four Bedrock Runtime operations, named as the SDK's commands are (without `Command`). */
export type BedrockOperation =
  'InvokeModel' | 'Converse' | 'InvokeModelWithResponseStream' | 'ConverseStream';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** Every scripted response may wait before answering; `close()` cancels the wait. */
interface Delayed {
  delayMs?: number;
}

/** Converse: `output.message.content[0].text` is `text`. */
export interface ConverseReply extends Delayed {
  kind: 'converse';
  text: string;
  stopReason?: string;
  usage?: TokenUsage;
}

/** InvokeModel: `body` is the model's payload; a Uint8Array or string is sent as is, anything else as JSON. */
export interface InvokeReply extends Delayed {
  kind: 'invoke';
  body: unknown;
  /** Default `application/json`. */
  contentType?: string;
}

/** Ends a stream with an exception frame. */
export interface StreamFailure {
  exception: BedrockStreamExceptionName;
  message?: string;
  /** Data events sent before the exception frame; default all of them, 0 puts it in the first frame. */
  afterEvents?: number;
}

interface StreamPacing extends Delayed {
  /** Wait between data events (not before the first). */
  eventDelayMs?: number;
  /** Send the status and headers, then wait this long before the first event (a stream that stalls). */
  firstEventDelayMs?: number;
  failWith?: StreamFailure;
}

/** InvokeModelWithResponseStream: one `chunk` event per entry (a Uint8Array as is, anything else as JSON). */
export interface ChunkStreamReply extends StreamPacing {
  kind: 'chunks';
  chunks: unknown[];
}

/**
 * ConverseStream: messageStart, one contentBlockDelta per text piece, contentBlockStop, messageStop and
 * metadata — that is `text.length + 4` data events.
 */
export interface ConverseStreamReply extends StreamPacing {
  kind: 'converse-stream';
  text: string[];
  stopReason?: string;
  usage?: TokenUsage;
}

/** Either stream operation: status 200 and an exception as the very first frame. */
export interface StreamExceptionReply extends Delayed {
  kind: 'stream-exception';
  exception: BedrockStreamExceptionName;
  message?: string;
}

/** An HTTP error answered before any stream starts, as Bedrock sends it. */
export interface ErrorReply extends Delayed {
  kind: 'error';
  exception: BedrockExceptionName;
  message?: string;
  /** Sent as the `retry-after` header. */
  retryAfterSeconds?: number;
  /** Overrides the generated `x-amzn-requestid`. */
  requestId?: string;
}

/** Anything at all, e.g. an HTML 502 from a proxy or an empty 503. */
export interface RawReply extends Delayed {
  kind: 'raw';
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Drop the connection (HTTP/1.1) or reset the stream (HTTP/2) without answering. */
export interface DisconnectReply extends Delayed {
  kind: 'disconnect';
}

/**
 * Reset the stream with this HTTP/2 error code (`http2.constants.NGHTTP2_*`) without answering, as a
 * server refusing it does (NGHTTP2_REFUSED_STREAM: not processed). HTTP/1.1 has no streams: the
 * connection is dropped, as for a disconnect.
 */
export interface ResetStreamReply extends Delayed {
  kind: 'reset-stream';
  code: number;
}

export type ScriptedResponse =
  | ConverseReply
  | InvokeReply
  | ChunkStreamReply
  | ConverseStreamReply
  | StreamExceptionReply
  | ErrorReply
  | RawReply
  | DisconnectReply
  | ResetStreamReply;

export const defaultReplyText = 'Hello from the local Bedrock.';

/** What answers when nothing is scripted. */
export const defaultResponses: Readonly<Record<BedrockOperation, ScriptedResponse>> = {
  Converse: { kind: 'converse', text: defaultReplyText },
  InvokeModel: {
    kind: 'invoke',
    body: {
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: defaultReplyText }],
      stop_reason: 'end_turn',
    },
  },
  InvokeModelWithResponseStream: {
    kind: 'chunks',
    chunks: ['Hello', ' from the', ' local Bedrock.'].map((text) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    })),
  },
  ConverseStream: { kind: 'converse-stream', text: ['Hello', ' from the', ' local Bedrock.'] },
};

/** Which operations each success kind can answer; errors, raw replies and disconnects answer any. */
export const operationsOfKind: Readonly<
  Partial<Record<ScriptedResponse['kind'], readonly BedrockOperation[]>>
> = {
  converse: ['Converse'],
  invoke: ['InvokeModel'],
  chunks: ['InvokeModelWithResponseStream'],
  'converse-stream': ['ConverseStream'],
  'stream-exception': ['InvokeModelWithResponseStream', 'ConverseStream'],
};

const defaultUsage: TokenUsage = { inputTokens: 5, outputTokens: 3, totalTokens: 8 };

export function converseBody(reply: ConverseReply): unknown {
  return {
    output: { message: { role: 'assistant', content: [{ text: reply.text }] } },
    stopReason: reply.stopReason ?? 'end_turn',
    usage: reply.usage ?? defaultUsage,
    metrics: { latencyMs: 42 },
  };
}

export interface StreamEvent {
  eventType: string;
  payload: unknown;
}

export function converseStreamEvents(reply: ConverseStreamReply): StreamEvent[] {
  return [
    { eventType: 'messageStart', payload: { role: 'assistant' } },
    ...reply.text.map((text) => ({
      eventType: 'contentBlockDelta',
      payload: { contentBlockIndex: 0, delta: { text } },
    })),
    { eventType: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
    { eventType: 'messageStop', payload: { stopReason: reply.stopReason ?? 'end_turn' } },
    {
      eventType: 'metadata',
      payload: { usage: reply.usage ?? defaultUsage, metrics: { latencyMs: 42 } },
    },
  ];
}
