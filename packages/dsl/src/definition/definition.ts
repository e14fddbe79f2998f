/** A validated Serverless Workflow definition, as the rest of Baton sees it. */
import type { Specification } from '@serverlessworkflow/sdk';

/** The DSL's workflow document (the JSON/YAML object), typed by the official SDK. */
export type WorkflowDocument = Specification.Workflow;

export type DefinitionFormat = 'yaml' | 'json';

export interface Definition {
  /**
   * The Baton workflow it runs as: `<document.namespace>.<document.name>`; a definition deployed in a
   * tenant namespace other than 'default' runs as `<tenant namespace>:<document.namespace>.<document.name>`.
   */
  readonly workflowName: string;
  /** `document.version`: the Baton workflow version; runs stay pinned to it. */
  readonly version: string;
  readonly document: WorkflowDocument;
  /** The text it was read from (kept, so deployments and the dashboard show what was written). */
  readonly source: { readonly text: string; readonly format: DefinitionFormat; readonly file?: string };
}

/** `call: baton.<name>`: Baton's own functions (workflow, llm, agent, approval), never declared in `use.functions`. */
export const BATON_CALL_PREFIX = 'baton.';

/** The Baton workflow name a definition runs as. */
export function definitionWorkflowName(document: { document: { namespace: string; name: string } }): string {
  return `${document.document.namespace}.${document.document.name}`;
}

/** One thing wrong with a definition: where (file, line, column, JSON pointer) and what to change. */
export interface DefinitionIssue {
  /**
   * Stable kind: 'syntax' (not YAML/JSON), 'schema' (the DSL's JSON Schema), 'reference' (an undeclared
   * name or a missing `then` target), 'duplicate', 'expression' (jq does not compile), 'unsupported',
   * 'catalog' (checked against a planning catalog: a workflow it does not have, an input that does not
   * fit its schema, an approval without a form, a Baton function without the arguments it needs…).
   */
  readonly kind: 'syntax' | 'schema' | 'reference' | 'duplicate' | 'expression' | 'unsupported' | 'catalog';
  readonly file?: string;
  /** 1-based; absent when the position is unknown. */
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer of the offending value, e.g. `/do/1/checkStock/switch/0/low/then`. */
  readonly path: string;
  readonly message: string;
}
