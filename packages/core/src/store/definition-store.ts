/**
 * Deployed definitions: declarative workflows (Serverless Workflow documents) kept in the store, so
 * every worker can load a version deployed at run time, and every API server can show it. A
 * definition is identified by its Baton workflow name and its version; a deployed version never
 * changes (a different text for the same version is refused; the author bumps the version).
 *
 * A definition belongs to the tenant namespace of the key that deployed it. Two namespaces may deploy
 * the same document (`document.namespace` and `document.name`, the DSL's own naming) independently:
 * its Baton workflow name carries the tenant namespace (see definitionWorkflowNameIn), so (name,
 * version) stays one definition across the deployment and every worker can load every namespace's.
 */
import type { AuditEntry } from './activity.js';

/** The tenant namespace definitions belong to unless deployed in another (and all made before namespaces had them). */
export const DEFAULT_DEFINITION_NAMESPACE = 'default';

/** What a tenant namespace must look like to hold definitions: it becomes part of a workflow name. */
const WORKFLOW_SAFE_NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;

/**
 * The Baton workflow name of the document `<document namespace>.<name>` deployed in tenant
 * `namespace`: the document's name as it is in 'default' (so deployments made before namespaces keep
 * their names), `<namespace>:<document namespace>.<name>` in any other. Undefined when `namespace`
 * cannot be part of a workflow name (letters, digits and . _ / - only, starting with a letter or digit).
 */
export function definitionWorkflowNameIn(namespace: string, documentName: string): string | undefined {
  if (namespace === DEFAULT_DEFINITION_NAMESPACE) return documentName;
  return WORKFLOW_SAFE_NAMESPACE.test(namespace) ? `${namespace}:${documentName}` : undefined;
}

/**
 * The tenant namespace a definition's workflow name carries (`team-a` for `team-a:shop.order`), or
 * undefined for a name of the default namespace: the inverse of definitionWorkflowNameIn (a
 * document's own name never holds ':').
 */
export function definitionTenantOf(workflowName: string): string | undefined {
  const colon = workflowName.indexOf(':');
  return colon > 0 ? workflowName.slice(0, colon) : undefined;
}

/** A definition to deploy, as the deploying process has read and validated it. */
export interface NewDefinition {
  /** The Baton workflow it runs as: `<document namespace>.<name>`, prefixed `<tenant namespace>:` outside 'default' (definitionWorkflowNameIn). */
  name: string;
  /** The tenant namespace it belongs to (the deploying key's). Default 'default'. */
  namespace?: string;
  /** `document.version`. */
  version: string;
  /** 'yaml' or 'json': what `source` is written in. */
  format: string;
  /** The text as it was deployed. */
  source: string;
  /** The parsed document, as JSON text. */
  document: string;
  /** A digest of `source` (e.g. `sha256:<hex>`): deploying the same text again is a no-op. */
  digest: string;
  /** Who deployed it (an API key id, 'cli', …). */
  createdBy: string;
  /** The document's summary or title, shown in lists. */
  description?: string;
  /** What starts its runs besides a start call: sorted kinds among 'cron', 'every', 'after', 'event'. */
  triggers: string[];
}

/** A deployed definition version. */
export interface StoredDefinition extends NewDefinition {
  namespace: string;
  /** When it was deployed (epoch ms, the deploying caller's clock). */
  createdAt: number;
  /** The store's deploy counter: larger for every later deploy, so a reader can ask for what is new since the last one it saw. */
  seq: number;
}

/** A deployed definition without its text and document (lists). */
export type DefinitionVersion = Omit<StoredDefinition, 'source' | 'document'>;

/** One name's definitions at a glance: its latest deployed version and how many there are. */
export interface DefinitionSummary {
  latest: DefinitionVersion;
  versions: number;
}

/** What a deploy did: stored it; found the same text already deployed; or found another text under that version (refused). */
export type DeployOutcome = { outcome: 'created' | 'unchanged' | 'conflict'; definition: StoredDefinition };

export interface DefinitionFilter {
  /** Only this workflow's versions. */
  name?: string;
  /** Only this tenant namespace's definitions. */
  namespace?: string;
  /** Only versions deployed after this deploy counter (see StoredDefinition.seq). */
  afterSeq?: number;
}

export interface DefinitionStore {
  /**
   * Stores a definition version in one transaction with its workflow catalog entry (kind
   * 'definition', current) and `audit` — unless (name, version) exists: with the same digest the
   * stored one is returned as 'unchanged', with another as 'conflict'; neither writes anything.
   */
  deployDefinition(definition: NewDefinition, now: number, audit?: AuditEntry): Promise<DeployOutcome>;
  getDefinition(name: string, version: string): Promise<StoredDefinition | undefined>;
  /** Deployed versions with their text and document, oldest deploy first. */
  listDefinitions(filter?: DefinitionFilter): Promise<StoredDefinition[]>;
  /** One name's versions without text, oldest deploy first. */
  listDefinitionVersions(name: string): Promise<DefinitionVersion[]>;
  /** Every name with its latest version, by name (code point order); with `namespace`, only that tenant namespace's. */
  listDefinitionSummaries(namespace?: string): Promise<DefinitionSummary[]>;
  /** The tenant namespace a deployed definition name belongs to; undefined when no definition has the name. */
  getDefinitionNamespace(name: string): Promise<string | undefined>;
  /** The latest deploy counter (0 when nothing is deployed): one cheap read tells a poller whether anything is new. */
  latestDefinitionSeq(): Promise<number>;
}
