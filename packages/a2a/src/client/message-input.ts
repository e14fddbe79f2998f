/**
 * What a workflow sends, as the SDK's A2A v1.0 message: a string, `{ text, data, parts }`, or a
 * message written in A2A v0.3's JSON shape (the DSL's `message/send` parameters). Parts are v0.3's
 * (`{ kind: 'text', text }`, `{ kind: 'data', data }`, `{ kind: 'file', file: { uri | bytes } }`);
 * `kind` may be left out when the part's field says it.
 */
import { Role, type Message, type Part } from '@a2a-js/sdk';
import { BatonError } from '@baton/core';
import { A2aClientErrorCode } from './client-errors.js';

/** A message to send: plain text, or text and/or JSON data and/or parts (in that order). */
export type A2aMessageInput = string | { text?: string; data?: unknown; parts?: unknown[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string): BatonError {
  return new BatonError(A2aClientErrorCode.InvalidMessage, message, { retryable: false });
}

function metadataOf(value: Record<string, unknown>): Record<string, unknown> | undefined {
  return isObject(value.metadata) ? value.metadata : undefined;
}

/** One part in A2A v0.3's JSON shape, as the SDK's v1.0 part. */
export function partFromWire(value: unknown, where: string): Part {
  if (!isObject(value)) throw invalid(`${where} must be an object such as { kind: 'text', text: '…' }.`);
  const kind = value.kind ?? ('text' in value ? 'text' : 'data' in value ? 'data' : 'file' in value ? 'file' : undefined);
  const base = { metadata: metadataOf(value), filename: '', mediaType: '' };
  switch (kind) {
    case 'text':
      if (typeof value.text !== 'string') throw invalid(`${where} is a text part without a string 'text'.`);
      return { ...base, content: { $case: 'text', value: value.text } };
    case 'data':
      if (value.data === undefined) throw invalid(`${where} is a data part without 'data'.`);
      return { ...base, content: { $case: 'data', value: value.data }, mediaType: 'application/json' };
    case 'file': {
      const file = value.file;
      if (!isObject(file)) throw invalid(`${where} is a file part without a 'file' object ({ uri } or { bytes }).`);
      const named = { ...base, filename: typeof file.name === 'string' ? file.name : '', mediaType: typeof file.mimeType === 'string' ? file.mimeType : '' };
      if (typeof file.uri === 'string') return { ...named, content: { $case: 'url', value: file.uri } };
      if (typeof file.bytes === 'string') return { ...named, content: { $case: 'raw', value: Buffer.from(file.bytes, 'base64') } };
      throw invalid(`${where} is a file part whose file has neither 'uri' nor 'bytes' (base64).`);
    }
    default:
      throw invalid(`${where} has kind '${String(value.kind)}': a part is of kind text, data or file.`);
  }
}

/** The parts of what a workflow sends (at least one, else BATON_A2A_INVALID_MESSAGE). */
export function partsOf(input: A2aMessageInput): Part[] {
  if (typeof input === 'string') return [partFromWire({ kind: 'text', text: input }, 'The message')];
  if (!isObject(input)) throw invalid('A message is a string or { text?, data?, parts? }.');
  const parts: Part[] = [];
  if (input.text !== undefined) parts.push(partFromWire({ kind: 'text', text: input.text }, 'The message text'));
  if (input.data !== undefined) parts.push(partFromWire({ kind: 'data', data: input.data }, 'The message data'));
  if (input.parts !== undefined) {
    if (!Array.isArray(input.parts)) throw invalid('The message parts must be an array.');
    input.parts.forEach((part, index) => parts.push(partFromWire(part, `Part ${index} of the message`)));
  }
  if (parts.length === 0) throw invalid('A message needs text, data or parts: there is nothing to send.');
  return parts;
}

export interface MessageIds {
  messageId: string;
  taskId?: string | undefined;
  contextId?: string | undefined;
}

/** The SDK message for `parts`, from the user, continuing `taskId`/`contextId` when given. */
export function userMessage(
  parts: Part[],
  ids: MessageIds,
  extra: { metadata?: Record<string, unknown>; referenceTaskIds?: string[]; extensions?: string[] } = {},
): Message {
  return {
    messageId: ids.messageId,
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role: Role.ROLE_USER,
    parts,
    metadata: extra.metadata,
    extensions: extra.extensions ?? [],
    referenceTaskIds: extra.referenceTaskIds ?? [],
  };
}

/**
 * A message written in A2A v0.3's JSON shape (the DSL's `message/send` parameters), with
 * `messageId` defaulted to `defaultId` and `role` to `user`.
 */
export function messageFromWire(value: unknown, defaultId: string): Message {
  if (!isObject(value)) throw invalid("'message' must be an object with 'parts'.");
  if (!Array.isArray(value.parts) || value.parts.length === 0) throw invalid("'message.parts' must be a non-empty array of parts.");
  const parts = value.parts.map((part, index) => partFromWire(part, `message.parts[${index}]`));
  if (value.role !== undefined && value.role !== 'user' && value.role !== 'agent')
    throw invalid(`'message.role' is '${String(value.role)}': use user or agent.`);
  const message = userMessage(
    parts,
    {
      messageId: typeof value.messageId === 'string' && value.messageId !== '' ? value.messageId : defaultId,
      taskId: typeof value.taskId === 'string' ? value.taskId : undefined,
      contextId: typeof value.contextId === 'string' ? value.contextId : undefined,
    },
    {
      ...(metadataOf(value) === undefined ? {} : { metadata: metadataOf(value)! }),
      ...(Array.isArray(value.referenceTaskIds) ? { referenceTaskIds: value.referenceTaskIds.map(String) } : {}),
      ...(Array.isArray(value.extensions) ? { extensions: value.extensions.map(String) } : {}),
    },
  );
  if (value.role === 'agent') message.role = Role.ROLE_AGENT;
  return message;
}
