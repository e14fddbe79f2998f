/** Deployed definitions on PostgreSQL (Store.deployDefinition and the definition reads). */
import type pg from 'pg';
import type { AuditEntry, DefinitionFilter, DefinitionSummary, DefinitionVersion, DeployOutcome, NewDefinition, StoredDefinition } from '@baton/core';
import {
  DEFINITION_VERSION_COLUMNS,
  definitionRegistration,
  definitionValues,
  toDefinitionVersion,
  toStoredDefinition,
  type DefinitionRow,
} from '@baton/core/store-kit';
import { writeAudit } from '../access/audit-writes.js';
import { registerWorkflows } from '../catalog/catalog-queries.js';

const INSERT = `INSERT INTO definitions (name, version, format, source, document, digest, description, triggers, created_at, created_by, namespace, seq)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, (SELECT coalesce(max(seq), 0) + 1 FROM definitions))`;

/**
 * Deploys in the caller's transaction. Deploys take a lock of their own first (per schema), so two
 * deploys of one version never both insert, and the deploy counter grows by one each time.
 */
export async function deployDefinition(
  db: pg.PoolClient,
  schema: string,
  definition: NewDefinition,
  now: number,
  audit: AuditEntry | undefined,
): Promise<DeployOutcome> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`baton:definitions:${schema}`]);
  const existing = await getDefinition(db, definition.name, definition.version);
  if (existing !== undefined) return { outcome: existing.digest === definition.digest ? 'unchanged' : 'conflict', definition: existing };
  await db.query(INSERT, definitionValues(definition, now));
  await registerWorkflows(db, schema, [definitionRegistration(definition)], now);
  await writeAudit(db, audit);
  return { outcome: 'created', definition: (await getDefinition(db, definition.name, definition.version))! };
}

export async function getDefinition(db: pg.Pool | pg.PoolClient, name: string, version: string): Promise<StoredDefinition | undefined> {
  const { rows } = await db.query<DefinitionRow>('SELECT * FROM definitions WHERE name = $1 AND version = $2', [name, version]);
  return rows[0] === undefined ? undefined : toStoredDefinition(rows[0]);
}

export async function listDefinitions(db: pg.Pool, filter: DefinitionFilter = {}): Promise<StoredDefinition[]> {
  const { rows } = await db.query<DefinitionRow>(
    'SELECT * FROM definitions WHERE ($1::text IS NULL OR name = $1) AND ($3::text IS NULL OR namespace = $3) AND seq > $2 ORDER BY seq',
    [filter.name ?? null, filter.afterSeq ?? 0, filter.namespace ?? null],
  );
  return rows.map(toStoredDefinition);
}

export async function listDefinitionVersions(db: pg.Pool, name: string): Promise<DefinitionVersion[]> {
  const { rows } = await db.query<DefinitionRow>(`SELECT ${DEFINITION_VERSION_COLUMNS} FROM definitions WHERE name = $1 ORDER BY seq`, [name]);
  return rows.map(toDefinitionVersion);
}

export async function listDefinitionSummaries(db: pg.Pool, namespace: string | undefined): Promise<DefinitionSummary[]> {
  const columns = DEFINITION_VERSION_COLUMNS.split(', ')
    .map((c) => `d.${c}`)
    .join(', ');
  const { rows } = await db.query<DefinitionRow & { versions: string }>(
    `SELECT ${columns}, n.versions FROM definitions d
      JOIN (SELECT name, max(seq) AS seq, count(*) AS versions FROM definitions WHERE $1::text IS NULL OR namespace = $1 GROUP BY name) n
        ON d.seq = n.seq ORDER BY d.name COLLATE "C"`,
    [namespace ?? null],
  );
  return rows.map((row) => ({ latest: toDefinitionVersion(row), versions: Number(row.versions) }));
}

export async function getDefinitionNamespace(db: pg.Pool, name: string): Promise<string | undefined> {
  const { rows } = await db.query<{ namespace: string }>('SELECT namespace FROM definitions WHERE name = $1 LIMIT 1', [name]);
  return rows[0]?.namespace;
}

export async function latestDefinitionSeq(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM definitions');
  return Number(rows[0]!.seq);
}
