/**
 * Whether a workflow name is known: to this process (its registry), or to the deployment (the
 * store's workflow catalog, which every engine writes its workflows to when it starts). Starts and
 * schedules for a name neither knows are refused, rather than waiting for a worker that never comes.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import { CatalogKind, type CatalogWorkflow } from '../store/workflow-catalog.js';
import type { Clock } from '../time/clock.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';

/** How long a catalog entry read here is used before it is read again (a redeploy may change its queue). */
const CATALOG_REREAD_MS = 60_000;

/** The entry of a name that starts take their defaults from: its current version, else the one seen last. */
export function currentCatalogEntry(entries: readonly CatalogWorkflow[]): CatalogWorkflow | undefined {
  let chosen: CatalogWorkflow | undefined;
  for (const entry of entries) {
    if (chosen === undefined || (entry.current !== chosen.current ? entry.current : entry.lastSeenAt > chosen.lastSeenAt)) chosen = entry;
  }
  return chosen;
}

export class KnownWorkflows {
  readonly #store: Store;
  readonly #registry: WorkflowRegistry;
  readonly #clock: Clock;
  /** Entries found in the catalog, with when they were read. Entries are never removed from it. */
  readonly #cataloged = new Map<string, { entry: CatalogWorkflow; readAt: number }>();

  constructor(store: Store, registry: WorkflowRegistry, clock: Clock) {
    this.#store = store;
    this.#registry = registry;
    this.#clock = clock;
  }

  /**
   * Throws BATON_WORKFLOW_NOT_FOUND unless this process or the store's catalog knows `name`. Returns
   * the catalog's entry for a name only the catalog knows (its queue is a start's default).
   */
  async require(name: string, advice: string): Promise<CatalogWorkflow | undefined> {
    if (this.#registry.get(name) !== undefined) return undefined;
    const now = this.#clock.now();
    const cached = this.#cataloged.get(name);
    // A deployed definition is read each time: a deploy (through any server) makes a new version current at once.
    if (cached !== undefined && cached.entry.kind !== CatalogKind.Definition && now - cached.readAt < CATALOG_REREAD_MS) return cached.entry;
    // A name not found is read again next time: a worker that has it may start in between.
    const entry = currentCatalogEntry(await this.#store.listWorkflowCatalog({ name }));
    if (entry !== undefined) {
      this.#cataloged.set(name, { entry, readAt: now });
      return entry;
    }
    throw new BatonError(
      ErrorCode.WorkflowNotFound,
      `No workflow named '${name.slice(0, 200)}' is known: no worker on this store has registered it. Check the name (GET /api/workflows lists the known ones), or start a worker that runs it first. ${advice}`,
      { retryable: false, details: { workflow: name } },
    );
  }
}
