/** Deployed definitions on SQLite (Store.deployDefinition and the definition reads). */
import type Database from 'better-sqlite3';
import type { DefinitionFilter, DefinitionSummary, DefinitionVersion, DeployOutcome, NewDefinition, StoredDefinition } from '@baton/core';
import {
  DEFINITION_VERSION_COLUMNS,
  definitionRegistration,
  definitionValues,
  toDefinitionVersion,
  toStoredDefinition,
  type DefinitionRow,
} from '@baton/core/store-kit';
import { registerWorkflows } from '../catalog/catalog-queries.js';

const INSERT = `INSERT INTO definitions (name, version, format, source, document, digest, description, triggers, created_at, created_by, namespace, seq)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM definitions))`;

/** Deploys in the caller's write transaction (which also writes the audit entry when it returns 'created'). */
export function deployDefinition(db: Database.Database, definition: NewDefinition, now: number): DeployOutcome {
  const existing = getDefinition(db, definition.name, definition.version);
  if (existing !== undefined) return { outcome: existing.digest === definition.digest ? 'unchanged' : 'conflict', definition: existing };
  db.prepare(INSERT).run(...definitionValues(definition, now));
  registerWorkflows(db, [definitionRegistration(definition)], now);
  return { outcome: 'created', definition: getDefinition(db, definition.name, definition.version)! };
}

export function getDefinition(db: Database.Database, name: string, version: string): StoredDefinition | undefined {
  const row = db.prepare('SELECT * FROM definitions WHERE name = ? AND version = ?').get(name, version) as DefinitionRow | undefined;
  return row === undefined ? undefined : toStoredDefinition(row);
}

export function listDefinitions(db: Database.Database, filter: DefinitionFilter = {}): StoredDefinition[] {
  const rows = db
    .prepare(
      'SELECT * FROM definitions WHERE (@name IS NULL OR name = @name) AND (@namespace IS NULL OR namespace = @namespace) AND seq > @afterSeq ORDER BY seq',
    )
    .all({ name: filter.name ?? null, namespace: filter.namespace ?? null, afterSeq: filter.afterSeq ?? 0 }) as DefinitionRow[];
  return rows.map(toStoredDefinition);
}

export function listDefinitionVersions(db: Database.Database, name: string): DefinitionVersion[] {
  const rows = db.prepare(`SELECT ${DEFINITION_VERSION_COLUMNS} FROM definitions WHERE name = ? ORDER BY seq`).all(name) as DefinitionRow[];
  return rows.map(toDefinitionVersion);
}

export function listDefinitionSummaries(db: Database.Database, namespace: string | undefined): DefinitionSummary[] {
  const rows = db
    .prepare(
      `SELECT ${DEFINITION_VERSION_COLUMNS.split(', ')
        .map((c) => `d.${c}`)
        .join(', ')}, n.versions FROM definitions d
        JOIN (SELECT name, max(seq) AS seq, count(*) AS versions FROM definitions WHERE @namespace IS NULL OR namespace = @namespace GROUP BY name) n
        ON d.seq = n.seq ORDER BY d.name`,
    )
    .all({ namespace: namespace ?? null }) as (DefinitionRow & { versions: number })[];
  return rows.map((row) => ({ latest: toDefinitionVersion(row), versions: Number(row.versions) }));
}

export function getDefinitionNamespace(db: Database.Database, name: string): string | undefined {
  const row = db.prepare('SELECT namespace FROM definitions WHERE name = ? LIMIT 1').get(name) as { namespace: string } | undefined;
  return row?.namespace;
}

export function latestDefinitionSeq(db: Database.Database): number {
  return Number((db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM definitions').get() as { seq: number }).seq);
}
