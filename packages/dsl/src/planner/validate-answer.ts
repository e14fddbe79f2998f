/**
 * One round's verdict on a model's answer: the definition taken out of it, and what parseDefinition
 * (the DSL's schema, Baton's checks, jq compiling every expression, and the catalog) finds wrong. An
 * answer with no definition at all is an issue of its own, telling the model how to answer.
 */
import type { DefinitionIssue } from '../definition/definition.js';
import { parseDefinition } from '../definition/parse.js';
import { definitionText } from './answer.js';
import type { PlanningCatalog } from './planning-catalog.js';

/** What validation found in one answer (journaled as it is, so it must stay plain JSON). */
export interface AnswerVerdict {
  readonly definition?: string;
  readonly issues: DefinitionIssue[];
  readonly valid: boolean;
  readonly workflowName?: string;
  readonly version?: string;
}

/** The issue of an answer that holds no definition. */
export const NO_DEFINITION_MESSAGE =
  'the answer holds no definition: answer with the whole workflow definition as YAML (starting with document:) inside one ```yaml fenced block, and nothing else in code blocks';

export async function validateAnswer(answer: string, catalog: PlanningCatalog): Promise<AnswerVerdict> {
  const definition = definitionText(answer);
  if (definition === undefined || definition.trim() === '') {
    return { issues: [{ kind: 'syntax', path: '', message: NO_DEFINITION_MESSAGE }], valid: false };
  }
  // YAML or JSON, as the text reads (a ```json block is read as strict JSON).
  const parsed = await parseDefinition(definition, { catalog });
  if (!parsed.ok) return { definition, issues: parsed.issues, valid: false };
  return { definition, issues: [], valid: true, workflowName: parsed.definition.workflowName, version: parsed.definition.version };
}
