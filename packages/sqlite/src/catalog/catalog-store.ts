/** The workflow catalog on SQLite: the workflows engines have registered, by version. */
import type { CatalogFilter, CatalogRegistration, CatalogWorkflow } from '@baton/core';
import type { WorkflowCatalog } from '@baton/core/store-kit';
import type { SqliteConnection } from '../connection/sqlite-connection.js';
import { listWorkflowCatalog, registerWorkflows } from './catalog-queries.js';

export class SqliteWorkflowCatalog implements WorkflowCatalog {
  readonly #conn: SqliteConnection;

  constructor(conn: SqliteConnection) {
    this.#conn = conn;
  }

  async registerWorkflows(workflows: CatalogRegistration[], now: number): Promise<void> {
    this.#conn.ensureInitialized();
    if (workflows.length === 0) return;
    this.#conn.write(() => registerWorkflows(this.#conn.db, workflows, now));
  }

  async listWorkflowCatalog(filter?: CatalogFilter): Promise<CatalogWorkflow[]> {
    this.#conn.ensureInitialized();
    return listWorkflowCatalog(this.#conn.db, filter);
  }
}
