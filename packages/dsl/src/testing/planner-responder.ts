/**
 * Baton's offline stand-in for a planning model: a ScriptedResponder for @baton/ai's scripted model
 * server that answers planner requests (recognised by their system prompt, readPlannerPrompt) with
 * a definition written by rules from the paragraph and the catalog, and every other request as
 * demoResponder does. It is no model: it reads clauses with fixed patterns (see docs/planner.md),
 * which makes `npm start`'s demo, the dashboard's demo and the planner benchmark run offline and
 * give the same answer to the same request.
 */
import { demoResponder, type ScriptedModelRequest, type ScriptedReply, type ScriptedResponder } from '@baton/ai/testing';
import { readPlannerPrompt, type PlannerPrompt } from '../planner/planner-prompt.js';
import { repairDefinition } from './definition-repair.js';
import { reviseDefinition } from './definition-revision.js';
import { writeDefinition } from './definition-writer.js';
import { readParagraph } from './paragraph-reading.js';

/** Answers planner requests with a rule-written definition, anything else like demoResponder. */
export const plannerResponder: ScriptedResponder = (request) => plannerReply(request) ?? demoResponder(request);

/** The reply to a planner request; undefined when the request is not one. */
export function plannerReply(request: ScriptedModelRequest): ScriptedReply | undefined {
  const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
  const prompt = readPlannerPrompt(system, request.messages);
  return prompt === undefined ? undefined : { text: plannerAnswer(prompt) };
}

/** The whole answer to a planning prompt: a short line and the definition in a ```yaml block. */
export function plannerAnswer(prompt: PlannerPrompt): string {
  const definition = plannedDefinition(prompt);
  const what = prompt.problems !== undefined ? 'The corrected definition' : prompt.from !== undefined ? 'The revised definition' : 'The definition';
  return `${what}, written by Baton's rule-based offline planner (not a model):\n\n\`\`\`yaml\n${definition.trimEnd()}\n\`\`\`\n`;
}

/** The definition text for a prompt: a repair of the last answer, a revision of `from`, or a new one. */
export function plannedDefinition(prompt: PlannerPrompt): string {
  if (prompt.problems !== undefined && prompt.problems.length > 0) {
    const repaired = repairDefinition(prompt);
    if (repaired !== undefined) return repaired;
  }
  if (prompt.from !== undefined) {
    const revised = reviseDefinition(prompt.from, prompt.description, prompt.catalog);
    if (revised !== undefined) return revised;
  }
  return writeDefinition(readParagraph(prompt.description, prompt.catalog), prompt.catalog);
}
