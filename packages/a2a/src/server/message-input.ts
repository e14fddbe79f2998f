/**
 * What a user message asks for, read by one rule (docs/a2a.md): the skill is `metadata.skill` (of the
 * message or of the request), or the agent's only skill; the workflow input, or a signal's data, is
 * the message's first data part, or else its text (the text parts joined by new lines) when the
 * schema takes a string, or an object whose one required field is a string (or, with no required
 * field, whose one string field; the text becomes that field), or the workflow declares no schema. A message that fits none of these is refused, and nothing starts.
 */
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import type { Message } from '@a2a-js/sdk';
import type { AnyWorkflow } from '@baton/core';
import type { z } from 'zod';

/** The value a message carries for a schema (undefined: no schema), or a refusal saying what to send. */
export function messageValue(message: Message, schema: z.ZodType | undefined, what: string): unknown {
  for (const part of message.parts) if (part.content?.$case === 'data') return part.content.value;
  const texts = message.parts.flatMap((part) => (part.content?.$case === 'text' ? [part.content.value] : []));
  if (texts.length === 0)
    throw new RequestMalformedError(`BATON_INVALID_INPUT: the message has no data part and no text part; send the ${what} as a data part.`);
  const text = texts.join('\n');
  const shape = textShape(schema);
  if (shape === 'string') return text;
  if (shape !== undefined) return { [shape.field]: text };
  throw new RequestMalformedError(
    `BATON_INVALID_INPUT: the ${what} is not a string nor an object with one string field, so text cannot stand for it; send it as a data part.`,
  );
}

/** How text maps onto a schema: the string itself, one string field of an object, or not at all. */
function textShape(schema: z.ZodType | undefined): 'string' | { field: string } | undefined {
  if (schema === undefined) return 'string';
  const def = unwrap(schema);
  if (def.type === 'string') return 'string';
  if (def.type !== 'object') return undefined;
  const shape = (def as unknown as { shape: Record<string, z.ZodType> }).shape;
  const entries = Object.entries(shape);
  const required = entries.filter(([, field]) => !field.safeParse(undefined).success);
  // The one field the text can fill: the only required one, or else the only string one.
  const candidates = required.length > 0 ? required : entries.filter(([, field]) => unwrap(field).type === 'string');
  if (candidates.length !== 1 || unwrap(candidates[0]![1]).type !== 'string') return undefined;
  return { field: candidates[0]![0] };
}

/** The schema under optional/default/nullable wrappers, as zod's definition names it. */
function unwrap(schema: z.ZodType): { type: string } {
  let current = schema as unknown as { def: { type: string; innerType?: unknown } };
  while (['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(current.def.type) && current.def.innerType !== undefined) {
    current = current.def.innerType as typeof current;
  }
  return current.def as unknown as { type: string };
}

/** `metadata[key]` of the message or else of the request, when it is a non-empty string. */
export function metadataString(message: Message, requestMetadata: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = message.metadata?.[key] ?? requestMetadata?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The workflow a message asks for among the agent's skills. */
export function chooseSkill(skills: ReadonlyMap<string, AnyWorkflow>, message: Message, requestMetadata: Record<string, unknown> | undefined): AnyWorkflow {
  const named = metadataString(message, requestMetadata, 'skill');
  const ids = [...skills.keys()].join(', ');
  if (named !== undefined) {
    const workflow = skills.get(named);
    if (workflow === undefined)
      throw new RequestMalformedError(`BATON_WORKFLOW_NOT_FOUND: this agent has no skill '${named.slice(0, 200)}'; its skills: ${ids}.`);
    return workflow;
  }
  if (skills.size === 1) return [...skills.values()][0]!;
  throw new RequestMalformedError(`BATON_INVALID_INPUT: this agent has several skills (${ids}); name one as metadata.skill of the message.`);
}
