// The OpenAI Chat Completions wire protocol (`POST /v1/chat/completions`, `GET /v1/models`) as the
// scripted model server speaks it: request parsing into the neutral shape, responses as JSON or as
// `data:` server-sent events ending with `data: [DONE]`, and errors in OpenAI's `{ error: {…} }` shape.

import {
  formatSse,
  halves,
  isRecord,
  optionalNumber,
  optionalString,
  parseArguments,
  streamPieces,
  type ParsedModelCall,
  type ParseResult,
  type ScriptedCompletion,
  type SseEvent,
} from './scripted-completion.js';
import type { ScriptedMessage, ScriptedTool, ScriptedToolChoice, ScriptedToolCall } from './scripted-reply.js';

export function parseOpenAIChatRequest(body: unknown): ParseResult<ParsedModelCall> {
  if (!isRecord(body)) return { ok: false, message: 'The request body must be a JSON object.' };
  const model = body['model'];
  if (typeof model !== 'string' || model.length === 0) {
    return { ok: false, message: "you must provide a model parameter ('model' must be a non-empty string).", param: 'model' };
  }
  const rawMessages = body['messages'];
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) {
    return { ok: false, message: "'messages' must be a non-empty array.", param: 'messages' };
  }
  const messages: ScriptedMessage[] = [];
  for (const [i, raw] of rawMessages.entries()) {
    const message = parseMessage(raw);
    if (message === undefined)
      return { ok: false, message: `Invalid message at messages[${i}]: expected an object with a known role.`, param: `messages[${i}]` };
    messages.push(message);
  }
  const tools: ScriptedTool[] = [];
  for (const raw of Array.isArray(body['tools']) ? body['tools'] : []) {
    const fn = isRecord(raw) ? raw['function'] : undefined;
    if (!isRecord(fn) || typeof fn['name'] !== 'string')
      return { ok: false, message: 'Each tool must be { type: "function", function: { name } }.', param: 'tools' };
    const description = optionalString(fn['description']);
    tools.push({ name: fn['name'], ...(description === undefined ? {} : { description }), parameters: isRecord(fn['parameters']) ? fn['parameters'] : {} });
  }
  const responseSchema = parseResponseFormat(body['response_format']);
  const temperature = optionalNumber(body['temperature']);
  const maxTokens = optionalNumber(body['max_completion_tokens']) ?? optionalNumber(body['max_tokens']);
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
      ...(maxTokens === undefined ? {} : { maxTokens }),
    },
  };
}

function parseMessage(raw: unknown): ScriptedMessage | undefined {
  if (!isRecord(raw)) return undefined;
  const content = contentText(raw['content']);
  switch (raw['role']) {
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user':
      return { role: 'user', content };
    case 'assistant': {
      const toolCalls: ScriptedToolCall[] = [];
      for (const call of Array.isArray(raw['tool_calls']) ? raw['tool_calls'] : []) {
        const fn = isRecord(call) ? call['function'] : undefined;
        if (!isRecord(call) || !isRecord(fn)) continue;
        toolCalls.push({ id: optionalString(call['id']) ?? '', name: optionalString(fn['name']) ?? '', arguments: parseArguments(fn['arguments']) });
      }
      return toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
    }
    case 'tool':
      return { role: 'tool', content, toolResult: { toolCallId: optionalString(raw['tool_call_id']) ?? '', content, isError: false } };
    default:
      return undefined;
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!isRecord(part)) return '';
      if (part['type'] === 'text') return optionalString(part['text']) ?? '';
      if (part['type'] === 'image_url') return '[image]';
      if (part['type'] === 'input_audio') return '[audio]';
      return '[file]';
    })
    .join('\n');
}

function parseToolChoice(raw: unknown): ScriptedToolChoice {
  if (raw === 'none' || raw === 'required') return raw;
  if (isRecord(raw) && isRecord(raw['function']) && typeof raw['function']['name'] === 'string') return { name: raw['function']['name'] };
  return 'auto';
}

function parseResponseFormat(raw: unknown): Readonly<Record<string, unknown>> | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw['type'] === 'json_object') return {};
  if (raw['type'] === 'json_schema' && isRecord(raw['json_schema'])) {
    const schema = raw['json_schema']['schema'];
    return isRecord(schema) ? schema : {};
  }
  return undefined;
}

const finishReasons = { stop: 'stop', length: 'length', 'tool-calls': 'tool_calls' } as const;

function usageOf(c: ScriptedCompletion): Record<string, number> {
  return { prompt_tokens: c.usage.input, completion_tokens: c.usage.output, total_tokens: c.usage.input + c.usage.output };
}

function wireToolCalls(c: ScriptedCompletion): Record<string, unknown>[] {
  return c.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
}

export function openAIChatResponse(c: ScriptedCompletion): Record<string, unknown> {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: c.text.length === 0 && c.toolCalls.length > 0 ? null : c.text,
          refusal: null,
          ...(c.toolCalls.length > 0 ? { tool_calls: wireToolCalls(c) } : {}),
        },
        logprobs: null,
        finish_reason: finishReasons[c.finish],
      },
    ],
    usage: usageOf(c),
  };
}

/** The completion as `chat.completion.chunk` events; usage in a last chunk with no choices when asked. */
export function openAIChatStream(c: ScriptedCompletion, includeUsage: boolean): string {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseEvent => ({
    data: JSON.stringify({
      id: c.id,
      object: 'chat.completion.chunk',
      created: c.created,
      model: c.model,
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    }),
  });
  const delta = (d: Record<string, unknown>, finish: string | null = null): unknown => ({ index: 0, delta: d, logprobs: null, finish_reason: finish });
  const events: SseEvent[] = [chunk([delta({ role: 'assistant', content: '', refusal: null })])];
  for (const piece of streamPieces(c.text)) events.push(chunk([delta({ content: piece })]));
  for (const [index, call] of c.toolCalls.entries()) {
    events.push(chunk([delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] })]));
    for (const part of halves(JSON.stringify(call.arguments))) events.push(chunk([delta({ tool_calls: [{ index, function: { arguments: part } }] })]));
  }
  events.push(chunk([delta({}, finishReasons[c.finish])]));
  if (includeUsage) events.push(chunk([], { usage: usageOf(c) }));
  events.push({ data: '[DONE]' });
  return formatSse(events);
}

/** OpenAI's error body for an HTTP status. */
export function openAIError(status: number, message: string, param?: string): Record<string, unknown> {
  const [type, code] =
    status === 429
      ? ['requests', 'rate_limit_exceeded']
      : status === 401
        ? ['invalid_request_error', 'invalid_api_key']
        : status === 404
          ? ['invalid_request_error', 'not_found']
          : status >= 500
            ? ['server_error', null]
            : ['invalid_request_error', null];
  return { error: { message, type, param: param ?? null, code } };
}

export function openAIModelList(models: readonly string[], created: number): Record<string, unknown> {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'baton-scripted' })) };
}
