/** PLACEHOLDER (replaced by the validation work before this lands): parses without validating. */
import { parse as parseYaml } from 'yaml';
import { definitionWorkflowName, type Definition, type DefinitionIssue, type WorkflowDocument } from './definition.js';

export type ParseResult = { ok: true; definition: Definition; issues: [] } | { ok: false; issues: DefinitionIssue[] };

export interface ParseOptions {
  /** Shown in issues. */
  file?: string;
  /** Default: from the file's extension, else JSON when the text starts with `{`, else YAML. */
  format?: 'yaml' | 'json';
}

/** Reads and validates a definition (YAML or JSON text). Never throws for bad input: issues say what is wrong. */
export async function parseDefinition(text: string, options: ParseOptions = {}): Promise<ParseResult> {
  const format = options.format ?? (options.file?.endsWith('.json') || text.trimStart().startsWith('{') ? 'json' : 'yaml');
  let document: WorkflowDocument;
  try {
    document = (format === 'json' ? JSON.parse(text) : parseYaml(text)) as WorkflowDocument;
  } catch (error) {
    return { ok: false, issues: [{ kind: 'syntax', file: options.file, path: '', message: String(error) }] };
  }
  return {
    ok: true,
    issues: [],
    definition: { workflowName: definitionWorkflowName(document), version: document.document.version, document, source: { text, format, file: options.file } },
  };
}
