/** The workflow catalog on PostgreSQL (WorkflowCatalog): what the workers have registered, by name and version. */
import type { WorkflowCatalog } from '@baton/core/store-kit';
import type { CatalogFilter, CatalogRegistration, CatalogWorkflow } from '@baton/core';
import type { PostgresConnection } from '../connection/connection.js';
import { listWorkflowCatalog, registerWorkflows } from './catalog-queries.js';

export class PostgresCatalog implements WorkflowCatalog {
  readonly #db: PostgresConnection;

  constructor(db: PostgresConnection) {
    this.#db = db;
  }

  async registerWorkflows(workflows: CatalogRegistration[], now: number): Promise<void> {
    this.#db.assertInitialized();
    if (workflows.length === 0) return;
    await this.#db.transaction((db) => registerWorkflows(db, this.#db.schema, workflows, now));
  }

  async listWorkflowCatalog(filter?: CatalogFilter): Promise<CatalogWorkflow[]> {
    return this.#db.read((pool) => listWorkflowCatalog(pool, filter));
  }
}
