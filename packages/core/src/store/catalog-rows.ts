/** The workflow catalog's rows in the SQL stores (SQLite and PostgreSQL use the same columns) as records. */
import type { CatalogRegistration, CatalogWorkflow } from './workflow-catalog.js';

export interface CatalogRow {
  name: string;
  version: string;
  kind: string;
  description: string | null;
  queue: string;
  input_schema: string | null;
  output_schema: string | null;
  signals: string | null;
  /** 0/1 on SQLite, a boolean on PostgreSQL. */
  is_current: number | boolean;
  registered_at: number;
  last_seen_at: number;
}

export function toCatalogWorkflow(row: CatalogRow): CatalogWorkflow {
  const entry: CatalogWorkflow = {
    name: row.name,
    version: row.version,
    kind: row.kind,
    queue: row.queue,
    current: row.is_current === true || row.is_current === 1,
    registeredAt: Number(row.registered_at),
    lastSeenAt: Number(row.last_seen_at),
  };
  if (row.description !== null) entry.description = row.description;
  if (row.input_schema !== null) entry.inputSchema = row.input_schema;
  if (row.output_schema !== null) entry.outputSchema = row.output_schema;
  if (row.signals !== null) entry.signals = row.signals;
  return entry;
}

/**
 * The registrations in the order every store writes them (by name, then version), one per (name,
 * version): a later duplicate replaces an earlier one. A fixed order keeps concurrent registrations
 * from waiting on each other's rows in opposite orders.
 */
export function orderedRegistrations(workflows: readonly CatalogRegistration[]): CatalogRegistration[] {
  const byKey = new Map<string, CatalogRegistration>();
  for (const w of workflows) byKey.set(JSON.stringify([w.name, w.version]), w);
  return [...byKey.values()].sort((a, b) => compareText(a.name, b.name) || compareText(a.version, b.version));
}

/** The names whose current version a registration sets, with that version (the last one marked current wins). */
export function currentVersions(workflows: readonly CatalogRegistration[]): Map<string, string> {
  const current = new Map<string, string>();
  for (const w of workflows) if (w.current) current.set(w.name, w.version);
  return current;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
