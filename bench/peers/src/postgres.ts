/**
 * The PostgreSQL side of the harness: a database of its own per system and round, the server's
 * counters read around a workload (commits of that database, WAL records, bytes and syncs of the
 * whole server), and the server's version and the settings that decide what a commit costs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `url` with its database name replaced. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function maskPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** A fresh database name: `peers_<tag>_<random>`, lower case, safe to use unquoted. */
export function freshDatabaseName(tag: string): string {
  return `peers_${tag.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** Runs `fn` on one connection to the database of `url` (the maintenance connection). */
export async function withConnection<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withConnection(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return databaseUrl(adminUrl, name);
}

/** Drops the database, ending any connection still open to it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withConnection(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Server counters at one moment. `xactCommit` is one database's; the WAL figures are server-wide. */
export interface Counters {
  /** Transactions committed in the database, read-only ones included (pg_stat_database). */
  xactCommit: number;
  /** Transaction ids assigned on the whole server: transactions that wrote. */
  xids: number;
  walRecords: number;
  walBytes: number;
  /** Times WAL was synced to disk (pg_stat_wal.wal_sync). */
  walSyncs: number;
}

export async function readCounters(client: pg.Client, database: string): Promise<Counters> {
  const { rows } = await client.query<{ xact_commit: string; xids: string; wal_records: string; wal_bytes: string; wal_sync: string }>(
    `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1) AS xact_commit,
            pg_snapshot_xmax(pg_current_snapshot())::text AS xids,
            wal_records, wal_bytes, wal_sync
       FROM pg_stat_wal`,
    [database],
  );
  const row = rows[0]!;
  return {
    xactCommit: Number(row.xact_commit),
    xids: Number(row.xids),
    walRecords: Number(row.wal_records),
    walBytes: Number(row.wal_bytes),
    walSyncs: Number(row.wal_sync),
  };
}

export function subtract(after: Counters, before: Counters): Counters {
  return {
    xactCommit: after.xactCommit - before.xactCommit,
    xids: after.xids - before.xids,
    walRecords: after.walRecords - before.walRecords,
    walBytes: after.walBytes - before.walBytes,
    walSyncs: after.walSyncs - before.walSyncs,
  };
}

/**
 * Waits until no session is connected to `database` (a backend reports its statistics when it
 * exits, and not at once while it is idle), or `timeoutMs` passes. Returns whether it got there.
 */
export async function waitForNoSessions(client: pg.Client, database: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]);
    if (rows[0]!.n === 0) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ServerInfo {
  version: string;
  settings: Record<string, string>;
}

/** The settings that decide what a commit costs. */
const SETTINGS = ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'wal_level', 'shared_buffers', 'max_connections'];

export async function serverInfo(url: string): Promise<ServerInfo> {
  return withConnection(url, async (c) => {
    const version = (await c.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
    const { rows } = await c.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [SETTINGS],
    );
    return { version, settings: Object.fromEntries(rows.map((r) => [r.name, r.unit === null ? r.setting : `${r.setting} × ${r.unit}`])) };
  });
}
