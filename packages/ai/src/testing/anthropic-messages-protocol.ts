// The Anthropic Messages wire protocol (`POST /v1/messages`, `GET /v1/models`) as the scripted model
// server speaks it: request parsing into the neutral shape, responses as a `message` object or as the
// named event stream (message_start … message_stop), and errors in Anthropic's `{ type: 'error' }` shape.

import {
  formatSse,
  halves,
  isRecord,
  optionalNumber,
  optionalString,
  streamPieces,
  type ParsedModelCall,
  type ParseResult,
  type ScriptedCompletion,
  type SseEvent,
} from './scripted-completion.js';
import type { ScriptedMessage, ScriptedTool, ScriptedToolChoice, ScriptedToolCall } from './scripted-reply.js';

export function parseAnthropicMessagesRequest(body: unknown): ParseResult<ParsedModelCall> {
  if (!isRecord(body)) return { ok: false, message: 'The request body must be a JSON object.' };
  const model = body['model'];
  if (typeof model !== 'string' || model.length === 0) return { ok: false, message: 'model: Field required' };
  const maxTokens = optionalNumber(body['max_tokens']);
  if (maxTokens === undefined) return { ok: false, message: 'max_tokens: Field required' };
  const rawMessages = body['messages'];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) return { ok: false, message: 'messages: at least one message is required' };

  const messages: ScriptedMessage[] = [];
  const system = blocksText(body['system']);
  if (system.length > 0) messages.push({ role: 'system', content: system });
  for (const [i, raw] of rawMessages.entries()) {
    if (!isRecord(raw) || (raw['role'] !== 'user' && raw['role'] !== 'assistant')) {
      return { ok: false, message: `messages.${i}.role: Input should be 'user' or 'assistant'` };
    }
    messages.push(...parseMessage(raw['role'], raw['content']));
  }

  const tools: ScriptedTool[] = [];
  for (const raw of Array.isArray(body['tools']) ? body['tools'] : []) {
    if (!isRecord(raw) || typeof raw['name'] !== 'string') return { ok: false, message: 'tools: each tool needs a name' };
    const description = optionalString(raw['description']);
    tools.push({
      name: raw['name'],
      ...(description === undefined ? {} : { description }),
      parameters: isRecord(raw['input_schema']) ? raw['input_schema'] : {},
    });
  }
  const responseSchema = parseOutputFormat(body);
  const temperature = optionalNumber(body['temperature']);
  return {
    ok: true,
    value: {
      model,
      stream: body['stream'] === true,
      messages,
      tools,
      toolChoice: parseToolChoice(body['tool_choice']),
      ...(responseSchema === undefined ? {} : { responseSchema }),
      ...(temperature === undefined ? {} : { temperature }),
      maxTokens,
    },
  };
}

/** One wire message; a user turn carrying tool results becomes one `tool` message per result. */
function parseMessage(role: 'user' | 'assistant', content: unknown): ScriptedMessage[] {
  if (!Array.isArray(content)) return [{ role, content: blocksText(content) }];
  const out: ScriptedMessage[] = [];
  const toolCalls: ScriptedToolCall[] = [];
  const texts: string[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'tool_use') {
      toolCalls.push({ id: optionalString(block['id']) ?? '', name: optionalString(block['name']) ?? '', arguments: block['input'] });
    } else if (block['type'] === 'tool_result') {
      const text = blocksText(block['content']);
      out.push({
        role: 'tool',
        content: text,
        toolResult: { toolCallId: optionalString(block['tool_use_id']) ?? '', content: text, isError: block['is_error'] === true },
      });
    } else {
      const text = blockText(block);
      if (text !== undefined) texts.push(text);
    }
  }
  if (texts.length > 0 || toolCalls.length > 0 || out.length === 0) {
    const message: ScriptedMessage = toolCalls.length > 0 ? { role, content: texts.join('\n'), toolCalls } : { role, content: texts.join('\n') };
    out.push(message);
  }
  return out;
}

function blockText(block: Record<string, unknown>): string | undefined {
  switch (block['type']) {
    case 'text':
      return optionalString(block['text']) ?? '';
    case 'image':
      return '[image]';
    case 'document':
      return '[document]';
    default:
      return undefined; // thinking and other blocks carry no conversation text
  }
}

function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (isRecord(block) ? blockText(block) : undefined))
    .filter((text) => text !== undefined)
    .join('\n');
}

function parseToolChoice(raw: unknown): ScriptedToolChoice {
  if (!isRecord(raw)) return 'auto';
  if (raw['type'] === 'any') return 'required';
  if (raw['type'] === 'none') return 'none';
  if (raw['type'] === 'tool' && typeof raw['name'] === 'string') return { name: raw['name'] };
  return 'auto';
}

function parseOutputFormat(body: Record<string, unknown>): Readonly<Record<string, unknown>> | undefined {
  const config = body['output_config'];
  const format = isRecord(config) ? config['format'] : body['output_format'];
  if (isRecord(format) && format['type'] === 'json_schema') return isRecord(format['schema']) ? format['schema'] : {};
  return undefined;
}

const stopReasons = { stop: 'end_turn', length: 'max_tokens', 'tool-calls': 'tool_use' } as const;

function contentBlocks(c: ScriptedCompletion): Record<string, unknown>[] {
  return [
    ...(c.text.length > 0 || c.toolCalls.length === 0 ? [{ type: 'text', text: c.text }] : []),
    ...c.toolCalls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments })),
  ];
}

export function anthropicMessagesResponse(c: ScriptedCompletion): Record<string, unknown> {
  return {
    id: c.id,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: contentBlocks(c),
    stop_reason: stopReasons[c.finish],
    stop_sequence: null,
    usage: { input_tokens: c.usage.input, output_tokens: c.usage.output },
  };
}

/** The completion as Anthropic's named events, one content block at a time. */
export function anthropicMessagesStream(c: ScriptedCompletion): string {
  const events: SseEvent[] = [];
  const emit = (data: Record<string, unknown>): void => {
    events.push({ event: String(data['type']), data: JSON.stringify(data) });
  };
  emit({
    type: 'message_start',
    message: {
      id: c.id,
      type: 'message',
      role: 'assistant',
      model: c.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: c.usage.input, output_tokens: 1 },
    },
  });
  emit({ type: 'ping' });
  for (const [index, block] of contentBlocks(c).entries()) {
    if (block['type'] === 'text') {
      emit({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of streamPieces(String(block['text']))) emit({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else {
      emit({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block['id'], name: block['name'], input: {} } });
      for (const part of halves(JSON.stringify(block['input'])))
        emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
    }
    emit({ type: 'content_block_stop', index });
  }
  emit({ type: 'message_delta', delta: { stop_reason: stopReasons[c.finish], stop_sequence: null }, usage: { output_tokens: c.usage.output } });
  emit({ type: 'message_stop' });
  return formatSse(events);
}

/** Anthropic's error body for an HTTP status. */
export function anthropicError(status: number, message: string): Record<string, unknown> {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 404
          ? 'not_found_error'
          : status === 413
            ? 'request_too_large'
            : status === 429
              ? 'rate_limit_error'
              : status === 503 || status === 529
                ? 'overloaded_error'
                : status >= 500
                  ? 'api_error'
                  : 'invalid_request_error';
  return { type: 'error', error: { type, message } };
}

export function anthropicModelList(models: readonly string[], createdAt: Date): Record<string, unknown> {
  const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: createdAt.toISOString() }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
