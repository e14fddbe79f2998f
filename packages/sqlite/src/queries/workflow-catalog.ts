/** The workflow catalog on SQLite (Store.registerWorkflows, listWorkflowCatalog). */
import type Database from 'better-sqlite3';
import { type CatalogFilter, type CatalogRegistration, type CatalogWorkflow } from '@baton/core';
import { currentVersions, orderedRegistrations, toCatalogWorkflow, type CatalogRow } from '@baton/core/store-kit';

const UPSERT = `INSERT INTO workflow_catalog (name, version, kind, description, queue, input_schema, output_schema, signals, is_current, registered_at, last_seen_at)
  VALUES (@name, @version, @kind, @description, @queue, @inputSchema, @outputSchema, @signals, 0, @now, @now)
  ON CONFLICT (name, version) DO UPDATE SET kind = excluded.kind, description = excluded.description, queue = excluded.queue,
    input_schema = excluded.input_schema, output_schema = excluded.output_schema, signals = excluded.signals, last_seen_at = excluded.last_seen_at`;

const SET_CURRENT = 'UPDATE workflow_catalog SET is_current = (version = ?) WHERE name = ?';

/** Writes a registration; call it inside the store's write transaction. */
export function registerWorkflows(db: Database.Database, workflows: readonly CatalogRegistration[], now: number): void {
  const upsert = db.prepare(UPSERT);
  for (const w of orderedRegistrations(workflows)) {
    upsert.run({
      name: w.name,
      version: w.version,
      kind: w.kind,
      description: w.description ?? null,
      queue: w.queue,
      inputSchema: w.inputSchema ?? null,
      outputSchema: w.outputSchema ?? null,
      signals: w.signals ?? null,
      now,
    });
  }
  const setCurrent = db.prepare(SET_CURRENT);
  for (const [name, version] of [...currentVersions(workflows)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) setCurrent.run(version, name);
}

export function listWorkflowCatalog(db: Database.Database, filter: CatalogFilter = {}): CatalogWorkflow[] {
  const rows =
    filter.name === undefined
      ? db.prepare('SELECT * FROM workflow_catalog ORDER BY name, version').all()
      : db.prepare('SELECT * FROM workflow_catalog WHERE name = ? ORDER BY version').all(filter.name);
  return (rows as CatalogRow[]).map(toCatalogWorkflow);
}
