/**
 * Deploying a definition into the store: parse and validate the text, check Baton can run it, and
 * store it under (workflow name, document.version) with its digest. The API and any embedding
 * program call this; a deployed version never changes. It belongs to the deploying actor's tenant
 * namespace, whose name prefixes its workflow name outside 'default' (definitionWorkflowNameIn).
 */
import { createHash } from 'node:crypto';
import { AUDIT_OK, BatonError, ErrorCode, assertStorableText, definitionWorkflowNameIn, errorMessage, type Store } from '@baton/core';
import type { Definition, DefinitionFormat, DefinitionIssue } from '../definition/definition.js';
import { parseDefinition } from '../definition/parse.js';
import { triggerKinds } from '../definition/triggers.js';
import { workflowOfDefinition } from './definition-workflows.js';

export interface DeployOptions {
  /** Who deploys (an API key id, 'cli'); stored and audited. */
  actor: string;
  /** The actor's tenant namespace: the definition belongs to it, and the audit entry names it. Default 'default'. */
  namespace?: string;
  /** Default: JSON when the text starts with `{`, else YAML. */
  format?: DefinitionFormat;
  /** The file it was read from, named in issues. */
  file?: string;
  /** Deploy time (epoch ms). Default: now. */
  now?: number;
}

export interface DeployedDefinition {
  /** The Baton workflow name it runs as (its document's name, prefixed by its tenant namespace outside 'default'). */
  name: string;
  /** The tenant namespace it belongs to. */
  namespace: string;
  version: string;
  digest: string;
  createdAt: number;
  /** False when this very text was deployed already (nothing was written). */
  created: boolean;
  /** The definition, its `workflowName` the Baton workflow name it runs as. */
  definition: Definition;
}

/** The digest a deploy stores: `sha256:<hex>` of the text. */
export function definitionDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * Validates and stores a definition. Throws BATON_INVALID_DEFINITION (details.issues) for a text
 * that does not validate or that Baton cannot run, and BATON_DEFINITION_EXISTS when its version is
 * deployed already with another text.
 */
export async function deployDefinitionText(store: Store, text: string, options: DeployOptions): Promise<DeployedDefinition> {
  assertStorableText(text, 'definition text', 'The definition text');
  const read = await readDefinition(text, options);
  const namespace = options.namespace ?? 'default';
  const workflowName = definitionWorkflowNameIn(namespace, read.workflowName);
  if (workflowName === undefined || workflowName.length > 200) {
    throw new BatonError(
      ErrorCode.InvalidArgument,
      `Definitions cannot be deployed in namespace '${namespace.slice(0, 100)}': its name becomes part of their workflow names, which take letters, digits and . _ / - only (up to 200 characters with the document's name). Deploy from a namespace so named.`,
      { retryable: false, details: { namespace } },
    );
  }
  const definition: Definition = { ...read, workflowName };
  workflowOfDefinition(definition); // refuses what Baton cannot run (a schedule it cannot express) before it is stored
  const document = documentJson(definition);
  const now = options.now ?? Date.now();
  const digest = definitionDigest(text);
  const target = `${definition.workflowName}@${definition.version}`;
  const { summary, title } = definition.document.document as { summary?: unknown; title?: unknown };
  const description = typeof summary === 'string' ? summary : typeof title === 'string' ? title : undefined;
  const result = await store.deployDefinition(
    {
      name: definition.workflowName,
      namespace,
      version: definition.version,
      format: definition.source.format,
      source: text,
      document,
      digest,
      createdBy: options.actor,
      triggers: triggerKinds(definition.document),
      ...(description === undefined ? {} : { description }),
    },
    now,
    {
      actor: options.actor,
      namespace,
      action: 'definition.deploy',
      target,
      result: AUDIT_OK,
      detail: JSON.stringify({ digest }),
      at: now,
    },
  );
  if (result.outcome === 'conflict') {
    throw new BatonError(
      ErrorCode.DefinitionExists,
      `${definition.workflowName} version ${definition.version} is deployed already with another text. A deployed version never changes: bump document.version and deploy again.`,
      { retryable: false, details: { name: definition.workflowName, version: definition.version, digest, deployedDigest: result.definition.digest } },
    );
  }
  const stored = result.definition;
  return {
    name: stored.name,
    namespace: stored.namespace,
    version: stored.version,
    digest: stored.digest,
    createdAt: stored.createdAt,
    created: result.outcome === 'created',
    definition,
  };
}

/** Parses and validates; anything wrong (even a validator that throws) is BATON_INVALID_DEFINITION with the issues. */
export async function readDefinition(text: string, options: { format?: DefinitionFormat; file?: string } = {}): Promise<Definition> {
  let parsed: Awaited<ReturnType<typeof parseDefinition>>;
  try {
    parsed = await parseDefinition(text, {
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.file === undefined ? {} : { file: options.file }),
    });
  } catch (error) {
    const issue: DefinitionIssue = {
      kind: 'syntax',
      path: '',
      message: `The definition cannot be read: ${errorMessage(error)}`,
      ...(options.file === undefined ? {} : { file: options.file }),
    };
    parsed = { ok: false, issues: [issue] };
  }
  if (parsed.ok) return parsed.definition;
  const where = options.file === undefined ? '' : `${options.file}: `;
  throw new BatonError(
    ErrorCode.InvalidDefinition,
    `${where}the definition is not valid: ${parsed.issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
    {
      retryable: false,
      details: { issues: parsed.issues },
    },
  );
}

/** The document as JSON text; one nested deeper than the stack allows is an invalid definition. */
function documentJson(definition: Definition): string {
  try {
    return JSON.stringify(definition.document);
  } catch (error) {
    const issue: DefinitionIssue = { kind: 'syntax', path: '', message: `The document cannot be stored: ${errorMessage(error)}` };
    throw new BatonError(ErrorCode.InvalidDefinition, issue.message, { retryable: false, details: { issues: [issue] } });
  }
}
