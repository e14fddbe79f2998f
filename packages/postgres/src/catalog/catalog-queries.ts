/** The workflow catalog on PostgreSQL (Store.registerWorkflows, listWorkflowCatalog). */
import type pg from 'pg';
import type { CatalogFilter, CatalogRegistration, CatalogWorkflow } from '@baton/core';
import { currentVersions, orderedRegistrations, toCatalogWorkflow, type CatalogRow } from '@baton/core/store-kit';

/** Every version of a registration in one statement, in a fixed order (rows are locked as they are written). */
const UPSERT = `INSERT INTO workflow_catalog (name, version, kind, description, queue, input_schema, output_schema, signals, is_current, registered_at, last_seen_at)
  SELECT n, v, k, d, q, i, os, s, false, $9, $9 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    WITH ORDINALITY AS w(n, v, k, d, q, i, os, s, o) ORDER BY o
  ON CONFLICT (name, version) DO UPDATE SET kind = excluded.kind, description = excluded.description, queue = excluded.queue,
    input_schema = excluded.input_schema, output_schema = excluded.output_schema, signals = excluded.signals, last_seen_at = excluded.last_seen_at`;

const SET_CURRENT = `UPDATE workflow_catalog c SET is_current = (c.version = w.v)
  FROM unnest($1::text[], $2::text[]) AS w(n, v) WHERE c.name = w.n AND c.is_current IS DISTINCT FROM (c.version = w.v)`;

/**
 * Writes a registration in the caller's transaction. Registrations take a lock of their own first
 * (per schema), so workers starting together apply theirs one after another and never deadlock.
 */
export async function registerWorkflows(db: pg.PoolClient, schema: string, workflows: readonly CatalogRegistration[], now: number): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:catalog:${schema}`]);
  const rows = orderedRegistrations(workflows);
  await db.query(UPSERT, [
    rows.map((w) => w.name),
    rows.map((w) => w.version),
    rows.map((w) => w.kind),
    rows.map((w) => w.description ?? null),
    rows.map((w) => w.queue),
    rows.map((w) => w.inputSchema ?? null),
    rows.map((w) => w.outputSchema ?? null),
    rows.map((w) => w.signals ?? null),
    now,
  ]);
  const current = [...currentVersions(workflows)];
  if (current.length > 0) await db.query(SET_CURRENT, [current.map(([name]) => name), current.map(([, version]) => version)]);
}

export async function listWorkflowCatalog(db: pg.Pool, filter: CatalogFilter = {}): Promise<CatalogWorkflow[]> {
  const { rows } =
    filter.name === undefined
      ? await db.query<CatalogRow>('SELECT * FROM workflow_catalog ORDER BY name COLLATE "C", version COLLATE "C"')
      : await db.query<CatalogRow>('SELECT * FROM workflow_catalog WHERE name = $1 ORDER BY version COLLATE "C"', [filter.name]);
  return rows.map(toCatalogWorkflow);
}
