// The built-in demo responder: a deterministic stand-in for a model, used when Baton runs its
// examples with no model configured. It reads the request and answers sensibly: JSON that satisfies a
// requested schema, a call to the tool the task seems to want, or a short text quoting the task.
// The same request always gets the same reply.

import { createHash } from 'node:crypto';
import { sampleFromSchema } from './json-schema-sample.js';
import { isRecord } from './scripted-completion.js';
import type { JsonSchema, ScriptedMessage, ScriptedModelRequest, ScriptedReply, ScriptedResponder, ScriptedTool } from './scripted-reply.js';

/** The name the AI SDK gives the tool it forces when it asks Anthropic models for JSON through a tool. */
const jsonResponseToolName = 'json';

const stopWords = new Set(
  'the and for with that this from into about please what which when where who how can could would should will you your our are was were have has use using then than them they its'.split(
    ' ',
  ),
);

/**
 * Answers without a real model:
 * - when tools are offered and none has answered since the last user message (or the request forces a
 *   tool), it calls the tool whose name and description best match the words of the task, with
 *   arguments generated from the tool's parameter schema;
 * - when the request asks for structured output (`response_format` / `output_config.format`) or a
 *   system or user message embeds a JSON Schema, it answers with JSON satisfying that schema;
 * - otherwise it answers `[demo model] …` quoting the task (and the tool results, if any).
 */
export const demoResponder: ScriptedResponder = (request) => demoReply(request);

function demoReply(request: ScriptedModelRequest): ScriptedReply {
  const lastUser = request.messages.findLastIndex((m) => m.role === 'user');
  const embedded = findEmbeddedSchema(request.messages);
  const task = stripSpans(lastUser >= 0 ? (request.messages[lastUser]?.content ?? '') : '', embedded?.spans ?? []);
  const toolResults = request.messages.slice(lastUser + 1).filter((m) => m.role === 'tool');

  const tool = chooseTool(request, task, toolResults.length > 0);
  if (tool !== undefined) {
    const args = sampleFromSchema(tool.parameters, task);
    return { toolCalls: [{ id: `call_demo_${digest(request, tool.name)}`, name: tool.name, arguments: isRecord(args) ? args : {} }] };
  }

  const schema = request.responseSchema ?? embedded?.schema;
  if (schema !== undefined) return { text: JSON.stringify(sampleFromSchema(schema, task)) };

  const quoted = task.length === 0 ? 'nothing (no user message)' : `"${truncate(task, 160)}"`;
  if (toolResults.length === 0) return { text: `[demo model] You asked: ${quoted}.` };
  const results = toolResults.map((m) => `${toolNameFor(request.messages, m.toolResult?.toolCallId) ?? 'tool'} → ${truncate(m.content, 80)}`);
  return { text: `[demo model] Done: ${quoted}. Tool results: ${results.join('; ')}.` };
}

function chooseTool(request: ScriptedModelRequest, task: string, answered: boolean): ScriptedTool | undefined {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === 'none') return undefined;
  if (typeof toolChoice === 'object') return tools.find((t) => t.name === toolChoice.name);
  const responseTool = tools.find((t) => t.name === jsonResponseToolName);
  const others = tools.filter((t) => t !== responseTool);
  if (toolChoice === 'required' && responseTool !== undefined && (answered || others.length === 0)) return responseTool;
  if (answered && toolChoice !== 'required') return undefined;
  return bestMatch(others.length > 0 ? others : tools, task);
}

/** The tool sharing the most words with the task (name words count double); the first on a tie. */
function bestMatch(tools: readonly ScriptedTool[], task: string): ScriptedTool | undefined {
  const taskWords = wordsOf(task);
  let best: { tool: ScriptedTool; score: number } | undefined;
  for (const tool of tools) {
    const nameWords = wordsOf(tool.name.replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
    const descriptionWords = wordsOf(tool.description ?? '');
    let score = 0;
    for (const word of taskWords) {
      if (nameWords.some((w) => sameWord(w, word))) score += 2;
      else if (descriptionWords.some((w) => sameWord(w, word))) score += 1;
    }
    if (best === undefined || score > best.score) best = { tool, score };
  }
  return best?.tool;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !stopWords.has(w));
}

/** Equal, or one a prefix of the other past four letters (`weather` / `weathers`, `search` / `searching`). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

interface EmbeddedSchema {
  readonly schema: JsonSchema;
  /** Where JSON documents sit in the last user message, so they are not read as the task. */
  readonly spans: readonly (readonly [number, number])[];
}

/** A JSON Schema written into the last user message or a system message, as prompts for JSON often do. */
function findEmbeddedSchema(messages: readonly ScriptedMessage[]): EmbeddedSchema | undefined {
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  const candidates = [messages[lastUser], ...messages.filter((m) => m.role === 'system')];
  let found: JsonSchema | undefined;
  let spans: (readonly [number, number])[] = [];
  for (const [i, message] of candidates.entries()) {
    if (message === undefined) continue;
    const documents = jsonDocumentsIn(message.content);
    if (i === 0) spans = documents.map((d) => d.span);
    found ??= documents.map((d) => d.value).find(looksLikeSchema);
  }
  return found === undefined ? undefined : { schema: found, spans };
}

function looksLikeSchema(value: unknown): value is JsonSchema {
  if (!isRecord(value)) return false;
  if (typeof value['$schema'] === 'string') return true;
  return (value['type'] === 'object' && isRecord(value['properties'])) || (value['type'] === 'array' && value['items'] !== undefined);
}

/** Every top-level `{…}` in the text that parses as JSON, with its position. */
function jsonDocumentsIn(text: string): { value: unknown; span: readonly [number, number] }[] {
  const out: { value: unknown; span: readonly [number, number] }[] = [];
  let start = text.indexOf('{');
  while (start >= 0) {
    const end = matchingBrace(text, start);
    if (end < 0) break;
    try {
      out.push({ value: JSON.parse(text.slice(start, end + 1)) as unknown, span: [start, end + 1] });
      start = text.indexOf('{', end + 1);
    } catch {
      start = text.indexOf('{', start + 1);
    }
  }
  return out;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

function stripSpans(text: string, spans: readonly (readonly [number, number])[]): string {
  let out = text;
  for (const [start, end] of [...spans].reverse()) out = out.slice(0, start) + out.slice(end);
  return out.replace(/\s+/g, ' ').trim();
}

function toolNameFor(messages: readonly ScriptedMessage[], toolCallId: string | undefined): string | undefined {
  for (const m of messages) for (const call of m.toolCalls ?? []) if (call.id === toolCallId) return call.name;
  return undefined;
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A short digest of what the model saw, so a demo tool call id is the same for the same request. */
function digest(request: ScriptedModelRequest, toolName: string): string {
  return createHash('sha256')
    .update(JSON.stringify([request.model, request.messages, toolName]))
    .digest('hex')
    .slice(0, 16);
}
