/**
 * The workflow catalog: the workflows a deployment knows, kept in the store. Every engine registers
 * the workflows it runs when it starts, so a process that runs none of them (an API server, the CLI
 * on a database, a client in another service) can still tell a workflow that exists somewhere from a
 * typo, and list it. Entries are shared by every namespace and never removed: a workflow dropped from
 * the code stays known, and runs started for it wait until a worker that has it starts again.
 */

/** Where a catalog entry comes from. */
export const CatalogKind = {
  /** Registered by an engine whose code defines the workflow. */
  Code: 'code',
  /** A declarative definition deployed into the store (see definition-store.ts). */
  Definition: 'definition',
} as const;
export type CatalogKind = (typeof CatalogKind)[keyof typeof CatalogKind];

/** One workflow version as a registration describes it. */
export interface CatalogRegistration {
  name: string;
  version: string;
  /** A CatalogKind; stores keep any string, so later kinds need no migration. */
  kind: string;
  description?: string;
  /** The queue its runs go to unless a start says otherwise. */
  queue: string;
  /** The JSON Schema of its input, as JSON text, when it declares one that JSON Schema can express. */
  inputSchema?: string;
  /** The JSON Schema of its output, as JSON text, when it declares one that JSON Schema can express. */
  outputSchema?: string;
  /** The signals its runs wait for, as JSON text of `{ name: JSON Schema }`, when it declares some. */
  signals?: string;
  /** The version the registering process starts runs of this name on; the latest registration's current wins. */
  current: boolean;
}

/** A catalog entry as stored. */
export interface CatalogWorkflow extends CatalogRegistration {
  /** When this version was first registered (epoch ms, the registering caller's clock). */
  registeredAt: number;
  /** When a registration last included this version. */
  lastSeenAt: number;
}

export interface CatalogFilter {
  /** Only the versions of this workflow (compared exactly). */
  name?: string;
}

/**
 * The store's part of the catalog. Both methods are small and rare: engines register once when they
 * start; clients read when they meet a name their own process does not know.
 */
export interface WorkflowCatalog {
  /**
   * Upserts these versions in one transaction: a new (name, version) is stored with `registeredAt`
   * and `lastSeenAt` = `now`; a known one takes the registration's description, queue, schemas and
   * kind, keeps its `registeredAt` and moves `lastSeenAt` to `now`. For each name with a version
   * marked `current`, that version becomes the current one and the name's other versions stop being
   * current. Concurrent registrations (many workers starting at once) each apply whole, one after another.
   */
  registerWorkflows(workflows: CatalogRegistration[], now: number): Promise<void>;
  /** Catalog entries, by name then version (ordered by code point), all of them or one name's. Read-only. */
  listWorkflowCatalog(filter?: CatalogFilter): Promise<CatalogWorkflow[]>;
}
