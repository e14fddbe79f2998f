/**
 * Reading and validating a definition: its text (YAML or JSON), the DSL's JSON Schema, Baton's own
 * checks of names and references, and jq compiling every runtime expression. One pure pass that
 * returns every problem with its place; `baton validate`, the API and the planner all call it.
 */
import type { DefinitionFormat, DefinitionIssue, Definition, WorkflowDocument } from './definition.js';
import { definitionWorkflowName } from './definition.js';
import { depthIssue, textDepthIssue } from './depth-check.js';
import { expressionIssues } from './expression-check.js';
import { approvalIssues } from './approval-check.js';
import { referenceIssues } from './reference-check.js';
import { schemaIssues } from './schema-check.js';
import { readSource } from './source-map.js';
import { catalogFunctionHint, catalogIssues } from '../planner/catalog-check.js';
import type { PlanningCatalog } from '../planner/planning-catalog.js';

export type ParseResult = { ok: true; definition: Definition; issues: [] } | { ok: false; issues: DefinitionIssue[] };

export interface ParseOptions {
  /** Shown in issues. */
  file?: string;
  /** Default: from the file's extension, else JSON when the text starts with `{`, else YAML. */
  format?: 'yaml' | 'json';
  /**
   * Also check the definition against what a deployment has: the workflows it calls exist and get
   * inputs that fit, approvals have a title and a form ('catalog' issues), and an undeclared
   * function's issue shows the catalog's declaration. Run once the DSL's schema found nothing.
   */
  catalog?: PlanningCatalog;
}

/** What Baton accepts as a workflow name (the same rule as `defineWorkflow`). */
const WORKFLOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

/** Reads and validates a definition (YAML or JSON text). Never throws for bad input: issues say what is wrong. */
export async function parseDefinition(text: string, options: ParseOptions = {}): Promise<ParseResult> {
  const { file } = options;
  const format = options.format ?? formatOf(text, file);
  const nested = textDepthIssue(text);
  if (nested !== undefined) return { ok: false, issues: [{ ...nested, ...(file === undefined ? {} : { file }) }] };
  const read = readSource(text, format, file);
  if (!read.ok) return { ok: false, issues: read.issues };
  const { source } = read;
  const value = source.value;
  const tooDeep = depthIssue(value);
  if (tooDeep !== undefined) return { ok: false, issues: [{ ...tooDeep, ...(file === undefined ? {} : { file }), ...source.positionOf(tooDeep.path) }] };
  const schema = schemaIssues(value);
  const nameChecked = schema.some((issue) => issue.path.startsWith('/document'));
  const { catalog } = options;
  const references = catalog === undefined ? referenceIssues(value) : referenceIssues(value).map((issue) => catalogFunctionHint(issue, value, catalog));
  const againstCatalog = catalog !== undefined && schema.length === 0 ? catalogIssues(value, catalog) : [];
  const found = [
    ...schema,
    ...(nameChecked ? [] : nameIssues(value)),
    ...references,
    ...approvalIssues(value),
    ...(await expressionIssues(value)),
    ...againstCatalog,
  ];
  if (found.length > 0) {
    const issues = found.map((issue) => ({ ...issue, ...(file === undefined ? {} : { file }), ...source.positionOf(issue.path) }));
    return { ok: false, issues: issues.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  const document = value as WorkflowDocument;
  return {
    ok: true,
    issues: [],
    definition: {
      workflowName: definitionWorkflowName(document),
      version: document.document.version,
      document,
      source: { text, format, ...(file === undefined ? {} : { file }) },
    },
  };
}

function formatOf(text: string, file: string | undefined): DefinitionFormat {
  if (file !== undefined && /\.json$/i.test(file)) return 'json';
  if (file !== undefined && /\.ya?ml$/i.test(file)) return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/** `<namespace>.<name>` must be a Baton workflow name (the schema already checked each part's shape). */
function nameIssues(value: unknown): Omit<DefinitionIssue, 'file' | 'line' | 'column'>[] {
  const document = (value as { document?: { namespace?: unknown; name?: unknown } } | null)?.document;
  if (typeof document?.namespace !== 'string' || typeof document.name !== 'string') return [];
  const name = `${document.namespace}.${document.name}`;
  if (WORKFLOW_NAME.test(name)) return [];
  return [
    {
      kind: 'schema',
      path: '/document/name',
      message: `the workflow runs as '${name}', which is not a valid Baton workflow name: use at most 200 letters, digits and . _ : / - in namespace and name together`,
    },
  ];
}
