/**
 * `baton.llm` and `baton.agent` in a simulation: no model is asked. The arguments are checked as in
 * production (prompt, model, budget, schema, not inside a fork branch); the answer comes from the
 * scenario, else a sample of `with.schema` as the structured object, else a `[simulated]` text. The
 * output has the shape production gives (`{ text, object?, model, usage, costUsd, cached }` for a
 * model call, `{ text, object?, turns, toolCalls, usage, costUsd }` for an agent), with model
 * 'simulation' and nothing spent. A scenario may give the whole output, or just the text (a string)
 * or the object (any other value without a `text`): the rest is filled in.
 */
import { assertNotInBranch, modelOptions, textArgument } from '../tasks/baton/model-options.js';
import type { BatonCallInvocation } from '../tasks/baton/baton-function.js';
import type { Answered, ScenarioAnswers } from './scenario-answers.js';
import { sampleOf } from './schema-sample.js';

const NO_USAGE = { input: 0, output: 0, total: 0 } as const;

/** The answer of a `baton.llm` task. */
export function modelAnswer(answers: ScenarioAnswers, { args, site }: BatonCallInvocation): () => Answered {
  const call = 'call: baton.llm';
  assertNotInBranch(site, call);
  modelOptions(args, call);
  const prompt = textArgument(args.prompt, 'prompt', call);
  if (args.system !== undefined) textArgument(args.system, 'system', call);
  const shape = (value: unknown): Record<string, unknown> => ({
    ...resultOf(value),
    model: 'simulation',
    usage: NO_USAGE,
    costUsd: 0,
    cached: false,
    ...(isRecord(value) && typeof value.text === 'string' ? value : {}),
  });
  return () => answerOf(answers, site, args.schema, prompt, shape);
}

/** The answer of a `baton.agent` task. */
export function agentAnswer(answers: ScenarioAnswers, { args, site }: BatonCallInvocation): () => Answered {
  const call = 'call: baton.agent';
  assertNotInBranch(site, call);
  modelOptions(args, call);
  const prompt = textArgument(args.prompt, 'prompt', call);
  const shape = (value: unknown): Record<string, unknown> => ({
    ...resultOf(value),
    turns: 1,
    toolCalls: [],
    usage: NO_USAGE,
    costUsd: 0,
    ...(isRecord(value) && typeof value.text === 'string' ? value : {}),
  });
  return () => answerOf(answers, site, args.schema, prompt, shape);
}

function answerOf(
  answers: ScenarioAnswers,
  site: BatonCallInvocation['site'],
  schema: unknown,
  prompt: string,
  shape: (value: unknown) => Record<string, unknown>,
): Answered {
  const answered = answers.answer(site);
  if (answered !== undefined) return { output: shape(answered.output), answeredBy: 'scenario' };
  if (schema !== undefined) return { output: shape({ object: sampleOf(schema, prompt) }), answeredBy: 'schema' };
  return { output: shape(`[simulated] ${phraseOfPrompt(prompt)}`), answeredBy: 'default' };
}

/** `{ text, object? }` from a scenario's value: a string is the text, an object with a text is kept, anything else is the structured object. */
function resultOf(value: unknown): { text: string; object?: unknown } {
  if (typeof value === 'string') return { text: value };
  if (isRecord(value) && typeof value.text === 'string') return { text: value.text };
  const object = isRecord(value) && Object.hasOwn(value, 'object') && Object.keys(value).length === 1 ? value.object : value;
  return { text: JSON.stringify(object), object };
}

/** The prompt's start, on one line: what the stand-in text answers. */
function phraseOfPrompt(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length <= 80 ? line : `${line.slice(0, 79)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
