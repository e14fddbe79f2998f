/**
 * Whether a workflow name is known: to this process (its registry), or to the deployment (the
 * store's workflow catalog, which every engine writes its workflows to when it starts). Starts and
 * schedules for a name neither knows are refused, rather than waiting for a worker that never comes.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import type { WorkflowRegistry } from '../engine/workflow-registry.js';

export class KnownWorkflows {
  readonly #store: Store;
  readonly #registry: WorkflowRegistry;
  /** Names found in the catalog. Entries are never removed from it, so a name found once stays known. */
  readonly #cataloged = new Set<string>();

  constructor(store: Store, registry: WorkflowRegistry) {
    this.#store = store;
    this.#registry = registry;
  }

  /** Throws BATON_WORKFLOW_NOT_FOUND unless this process or the store's catalog knows `name`. */
  async require(name: string, advice: string): Promise<void> {
    if (this.#registry.get(name) !== undefined || this.#cataloged.has(name)) return;
    // A name not found is read again next time: a worker that has it may start in between.
    if ((await this.#store.listWorkflowCatalog({ name })).length > 0) {
      this.#cataloged.add(name);
      return;
    }
    throw new BatonError(
      ErrorCode.WorkflowNotFound,
      `No workflow named '${name.slice(0, 200)}' is known: no worker on this store has registered it. Check the name (GET /api/workflows lists the known ones), or start a worker that runs it first. ${advice}`,
      { retryable: false, details: { workflow: name } },
    );
  }
}
