// The protocol-neutral form of a successful answer, which each wire protocol renders as its own JSON
// body or event stream, and the small parsing helpers both protocols share.

import type { ScriptedMessage, ScriptedModelRequest } from './scripted-reply.js';

/** A successful model answer with ids and token counts settled. */
export interface ScriptedCompletion {
  readonly id: string;
  readonly model: string;
  /** Unix seconds. */
  readonly created: number;
  readonly text: string;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
  readonly finish: 'stop' | 'length' | 'tool-calls';
  readonly usage: { readonly input: number; readonly output: number };
}

/** The protocol-specific part of a model request, as each protocol's parser returns it. */
export type ParsedModelCall = Pick<
  ScriptedModelRequest,
  'model' | 'stream' | 'messages' | 'tools' | 'toolChoice' | 'responseSchema' | 'temperature' | 'maxTokens'
>;

/** Either a parsed request or the reason a strict provider would reject it with a 400. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly param?: string };

/** One server-sent event, written as `event:` (when named) and `data:` lines. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

export function formatSse(events: readonly SseEvent[]): string {
  return events.map((e) => (e.event === undefined ? '' : `event: ${e.event}\n`) + `data: ${e.data}\n\n`).join('');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Parses a JSON arguments string, keeping the raw string when it is not JSON. */
export function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A stand-in for a tokenizer: about four characters a token, at least one for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Input tokens for a conversation: its text, tool call arguments and tool results. */
export function estimateInputTokens(messages: readonly ScriptedMessage[]): number {
  let total = 0;
  for (const m of messages) {
    total += estimateTokens(m.content);
    for (const call of m.toolCalls ?? []) total += estimateTokens(call.name + JSON.stringify(call.arguments ?? null));
    if (m.toolResult !== undefined) total += estimateTokens(m.toolResult.content);
  }
  return Math.max(1, total);
}

/** Splits text into word-sized pieces so a stream carries several deltas. */
export function streamPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

/** Splits a string in two, so a streamed JSON argument arrives in more than one delta. */
export function halves(text: string): string[] {
  if (text.length < 2) return [text];
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}
