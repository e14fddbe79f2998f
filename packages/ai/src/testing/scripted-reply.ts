// The vocabulary of the scripted model server: what a test sees of a model request (normalised across
// the OpenAI Chat Completions and Anthropic Messages protocols) and what it may answer with.

/** Which provider wire protocol a request arrived on. */
export const ModelProtocol = { OpenAI: 'openai', Anthropic: 'anthropic' } as const;
export type ModelProtocol = (typeof ModelProtocol)[keyof typeof ModelProtocol];

/** A tool call made by the assistant, with its arguments parsed from the wire. */
export interface ScriptedToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments; the raw string when the wire carried JSON that does not parse. */
  readonly arguments: unknown;
}

/** The result of a tool call, sent back by the client in a later request. */
export interface ScriptedToolResult {
  readonly toolCallId: string;
  /** The result as text (structured results are serialised as JSON). */
  readonly content: string;
  readonly isError: boolean;
}

/**
 * One message of the conversation, in a shape common to both protocols. Anthropic's top-level
 * `system` becomes a leading `system` message; each Anthropic `tool_result` block and each OpenAI
 * `tool` message becomes a `tool` message carrying `toolResult`.
 */
export interface ScriptedMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  /** All text parts joined with newlines; non-text parts appear as `[image]`, `[file]`… */
  readonly content: string;
  /** Set on assistant messages that called tools. */
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Set on `tool` messages. */
  readonly toolResult?: ScriptedToolResult;
}

/** A function tool offered to the model. */
export interface ScriptedTool {
  readonly name: string;
  readonly description?: string;
  /** The tool's parameters as JSON Schema (`{}` when the wire carried none). */
  readonly parameters: JsonSchema;
}

/**
 * How the request constrains tool use: `auto` (the model chooses), `none`, `required` (some tool
 * must be called), or one named tool that must be called.
 */
export type ScriptedToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/** A model call as a responder sees it. */
export interface ScriptedModelRequest {
  /** 1-based position among the model calls this server received since the last `reset()`. */
  readonly index: number;
  readonly protocol: ModelProtocol;
  readonly path: string;
  readonly model: string;
  readonly stream: boolean;
  readonly messages: readonly ScriptedMessage[];
  readonly tools: readonly ScriptedTool[];
  readonly toolChoice: ScriptedToolChoice;
  /**
   * The JSON Schema the reply must satisfy when the request asks for structured output natively
   * (OpenAI `response_format.json_schema`, Anthropic `output_config.format`); `{}` for OpenAI's
   * schemaless `json_object` mode; undefined otherwise.
   */
  readonly responseSchema?: JsonSchema;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** The request body exactly as parsed from the wire. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
}

/** Token counts to report; by default derived deterministically from text lengths. */
export interface ReplyUsage {
  readonly input: number;
  readonly output: number;
}

/** A tool call the scripted model makes. `id` defaults to a server-assigned one. */
export interface ReplyToolCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** Fields every reply may carry. */
export interface ReplyTiming {
  /** Wait this long before answering (for client timeouts); the wait ends if the client goes away. */
  readonly delayMs?: number;
}

/** The model answers with text. */
export interface TextReply extends ReplyTiming {
  readonly text: string;
  readonly usage?: ReplyUsage;
  /** `length` reports that the output was cut at the token limit. Default `stop`. */
  readonly finishReason?: 'stop' | 'length';
}

/** The model calls one or more tools, optionally after some text. */
export interface ToolCallsReply extends ReplyTiming {
  readonly toolCalls: readonly ReplyToolCall[];
  readonly text?: string;
  readonly usage?: ReplyUsage;
}

/** The provider answers with an HTTP error. */
export interface ErrorReply extends ReplyTiming {
  readonly status: number;
  /** Seconds, sent as the `retry-after` header. */
  readonly retryAfter?: number;
  /** The body as is: a string verbatim, an object as JSON. Default: the protocol's error shape. */
  readonly body?: string | Readonly<Record<string, unknown>>;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The provider answers with broken output: these exact bytes. */
export interface RawReply extends ReplyTiming {
  readonly raw: string;
  /** Default 200. */
  readonly status?: number;
  /** Default `application/json`, or `text/event-stream` when the request asked to stream. */
  readonly contentType?: string;
}

/** The connection is destroyed without an answer. */
export interface HangUpReply extends ReplyTiming {
  readonly hangUp: true;
}

/** A reply of only `{ delayMs }`: wait, then answer with empty text. */
export interface DelayReply {
  readonly delayMs: number;
}

/** What the scripted model answers to one request. */
export type ScriptedReply = TextReply | ToolCallsReply | ErrorReply | RawReply | HangUpReply | DelayReply;

/** Computes the reply for a request; a throw becomes a 500 whose body carries the message. */
export type ScriptedResponder = (request: ScriptedModelRequest) => ScriptedReply | Promise<ScriptedReply>;

/** A JSON Schema document, as loosely typed as the wire carries it. */
export type JsonSchema = Readonly<Record<string, unknown>>;
