/**
 * Deployed definitions: declarative workflows (Serverless Workflow documents) kept in the store, so
 * every worker can load a version deployed at run time, and every API server can show it. A
 * definition is identified by its Baton workflow name and its version; a deployed version never
 * changes (a different text for the same version is refused; the author bumps the version).
 */
import type { AuditEntry } from './activity.js';

/** A definition to deploy, as the deploying process has read and validated it. */
export interface NewDefinition {
  /** The Baton workflow it runs as (`<namespace>.<name>`). */
  name: string;
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
  /** Every name with its latest version, by name (code point order). */
  listDefinitionSummaries(): Promise<DefinitionSummary[]>;
  /** The latest deploy counter (0 when nothing is deployed): one cheap read tells a poller whether anything is new. */
  latestDefinitionSeq(): Promise<number>;
}
