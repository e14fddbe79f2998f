/**
 * The planner's conversation with the model, in one place: the system prompt (who it is, the DSL
 * guide, the catalog as JSON), the request (the paragraph, and the definition to revise), and the
 * feedback after an invalid answer (every issue with its line, column and JSON pointer). The
 * sections are marked with fixed headings, so a scripted model (testing/planner-responder.ts) can
 * read a planning request back with `readPlannerPrompt`.
 */
import type { DefinitionIssue } from '../definition/definition.js';
import type { PlanningCatalog } from './planning-catalog.js';

/** The first line of every planner system prompt. */
export const PLANNER_HEADER = "You are Baton's workflow planner: you write Serverless Workflow 1.0 definitions that run on Baton.";
const CATALOG_HEADING = '## Catalog';
const PROCESS_HEADING = '## Process';
const CURRENT_HEADING = '## Current definition';
const PROBLEMS_HEADING = '## Problems';
const ANSWER_HEADING = '## Answer';

/** The system prompt: the header, the guide, and the catalog as a fenced JSON block. */
export function plannerSystemPrompt(guide: string, catalog: PlanningCatalog): string {
  return [
    PLANNER_HEADER,
    '',
    guide.trim(),
    '',
    CATALOG_HEADING,
    'What this deployment has. Call only these workflows; declare functions in use.functions before calling them.',
    '```json',
    JSON.stringify(catalog, null, 1),
    '```',
  ].join('\n');
}

/** The first user message: the process, and with `from` the definition to revise. */
export function plannerRequestMessage(description: string, from?: string): string {
  const lines = [PROCESS_HEADING, description.trim()];
  if (from !== undefined) {
    lines.push('', CURRENT_HEADING, 'Revise this definition as the process above asks; keep everything it does not mention.', '```yaml', from.trimEnd(), '```');
  }
  lines.push('', ANSWER_HEADING, 'Answer with the whole definition as YAML in one ```yaml fenced block.');
  return lines.join('\n');
}

/** The message after an invalid answer: each issue on a line of its own, then what to do. */
export function plannerFeedbackMessage(issues: readonly DefinitionIssue[]): string {
  const lines = issues.map((issue) => {
    const at = issue.line === undefined ? '' : `line ${issue.line}, column ${issue.column ?? 1}, `;
    return `- ${at}${issue.path || '/'} (${issue.kind}): ${issue.message}`;
  });
  return [
    PROBLEMS_HEADING,
    `Your definition has ${issues.length} problem${issues.length === 1 ? '' : 's'}:`,
    ...lines,
    '',
    'Fix every problem and answer with the whole corrected definition as YAML in one ```yaml fenced block.',
  ].join('\n');
}

/** A planning request as a model sees it, read back from its prompt. */
export interface PlannerPrompt {
  readonly catalog: PlanningCatalog;
  readonly description: string;
  /** The definition to revise, when the request is a revision. */
  readonly from?: string;
  /** The problems of the previous answer, when this is a later round (the last feedback message's lines). */
  readonly problems?: readonly string[];
  /** The previous answer, on a later round. */
  readonly previousAnswer?: string;
}

/** Reads a planning request back from a system prompt and messages; undefined when they are not one. */
export function readPlannerPrompt(system: string, messages: readonly { role: string; content: string }[]): PlannerPrompt | undefined {
  if (!system.startsWith(PLANNER_HEADER)) return undefined;
  const catalogText = fencedAfter(system, CATALOG_HEADING, 'json');
  let catalog: PlanningCatalog = { workflows: [], functions: [] };
  try {
    if (catalogText !== undefined) catalog = JSON.parse(catalogText) as PlanningCatalog;
  } catch {
    // A catalog that does not parse reads as empty.
  }
  const first = messages.find((m) => m.role === 'user')?.content ?? '';
  const description = sectionText(first, PROCESS_HEADING) ?? first;
  const from = fencedAfter(first, CURRENT_HEADING, 'yaml');
  const lastUser = messages.findLast((m) => m.role === 'user');
  const problems =
    lastUser !== undefined && lastUser.content.startsWith(PROBLEMS_HEADING)
      ? lastUser.content
          .split('\n')
          .filter((line) => line.startsWith('- '))
          .map((line) => line.slice(2))
      : undefined;
  const previousAnswer = messages.findLast((m) => m.role === 'assistant')?.content;
  return {
    catalog,
    description,
    ...(from === undefined ? {} : { from }),
    ...(problems === undefined ? {} : { problems }),
    ...(previousAnswer === undefined ? {} : { previousAnswer }),
  };
}

/** The text of a section: from after its heading to the next `## ` heading. */
function sectionText(text: string, heading: string): string | undefined {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return undefined;
  const body = text.slice(start + heading.length + 1);
  const end = body.search(/\n## /);
  return (end < 0 ? body : body.slice(0, end)).trim();
}

/** The content of the first fenced block of `language` after `heading`. */
function fencedAfter(text: string, heading: string, language: string): string | undefined {
  const start = text.indexOf(heading);
  if (start < 0) return undefined;
  const rest = text.slice(start);
  const open = rest.indexOf('```' + language + '\n');
  if (open < 0) return undefined;
  const body = rest.slice(open + language.length + 4);
  const close = body.indexOf('\n```');
  return close < 0 ? undefined : body.slice(0, close);
}
