/**
 * Upgrading a deployment: a schema an earlier release wrote (its migrations up to 0009), with runs in
 * flight, is migrated by the first new process that opens it; the runs go on where they were.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@baton/core';
import { PostgresStore, loadMigrations, migrate } from '@baton/postgres';
import {
  expectNamespacesUpgraded,
  expectOldRunsFinish,
  expectTriggeredRunsRecorded,
  expectUnpricedCallsCounted,
  oldModelCallRows,
  oldNamespaceRows,
  oldReleaseRows,
  oldReleaseTime,
  oldTriggeredRows,
} from '@baton/testkit/conformance';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

/** The last migration of the release before step inputs (0010). */
const EARLIER_RELEASE = 9;

/** A fresh schema as a release whose last migration was `last` left it at time `t`, holding `rows` (SQL). */
async function oldSchema(last: number, rows: readonly string[], t: number): Promise<string> {
  const schema = freshSchema();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  const old = await pool.connect();
  try {
    await migrate(
      old,
      schema,
      t,
      loadMigrations().filter((m) => m.version <= last),
    );
    for (const sql of rows) await old.query(sql);
  } finally {
    old.release();
    await pool.end();
  }
  return schema;
}

describe.runIf(runPostgresTests('the upgrade test'))('upgrading a PostgreSQL schema written by an earlier release', () => {
  it('migrates a schema with runs in flight, which then finish without repeating a journaled step', async () => {
    const t = oldReleaseTime(Date.now());
    const schema = await oldSchema(EARLIER_RELEASE, oldReleaseRows(t), t);

    await expectOldRunsFinish(new PostgresStore({ connectionString: POSTGRES_URL, schema }), t);
  });

  it('migrates a schema written before one trigger per table and event did the work of several (0020): its runs finish, are found and counted', async () => {
    const t = oldReleaseTime(Date.now());
    const schema = await oldSchema(19, oldReleaseRows(t), t);

    await expectOldRunsFinish(new PostgresStore({ connectionString: POSTGRES_URL, schema }), t);
  });

  it('records which event or schedule started the runs of a schema written before it was recorded (0016)', async () => {
    const t = oldReleaseTime(Date.now());
    const schema = await oldSchema(15, oldTriggeredRows(t), t);

    await expectTriggeredRunsRecorded(new PostgresStore({ connectionString: POSTGRES_URL, schema }));
  });

  it('counts the model calls with no known price of a schema written before they were counted apart (0017)', async () => {
    const t = oldReleaseTime(Date.now());
    const schema = await oldSchema(16, oldModelCallRows(t), t);

    await expectUnpricedCallsCounted(new PostgresStore({ connectionString: POSTGRES_URL, schema, foldStatsEveryMs: 0 }), t);
  });

  it('puts the schedules, events and triggers of a schema written before they had a namespace in default, and event waits in their run’s (0028)', async () => {
    const t = oldReleaseTime(Date.now());
    const schema = await oldSchema(27, oldNamespaceRows(t), t);

    await expectNamespacesUpgraded(new PostgresStore({ connectionString: POSTGRES_URL, schema }));
  });

  it('opened without upgrading, refuses a schema an earlier version wrote and leaves it as it was', async () => {
    const t = oldReleaseTime(Date.now());
    const all = loadMigrations();
    const schema = await oldSchema(all.at(-2)!.version, [], t);
    const last = all.at(-1)!;
    const versions = async () => {
      const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
      try {
        return (await pool.query<{ version: number }>(`SELECT version FROM "${schema}".baton_migrations ORDER BY version`)).rows.map((r) => r.version);
      } finally {
        await pool.end();
      }
    };
    const before = await versions();
    const reader = new PostgresStore({ connectionString: POSTGRES_URL, schema, upgrade: false, foldStatsEveryMs: 0, listen: false });
    const refused = await reader.init().then(
      () => undefined,
      (error: unknown) => error as { code?: string; details?: { missing?: string[] } },
    );
    await reader.close();
    expect(refused?.code).toBe(ErrorCode.DatabaseOutdated);
    expect(refused?.details?.missing).toEqual([`${String(last.version).padStart(4, '0')}_${last.name}`]);
    expect(await versions()).toEqual(before);

    const missing = new PostgresStore({ connectionString: POSTGRES_URL, schema: freshSchema(), upgrade: false, foldStatsEveryMs: 0, listen: false });
    await expect(missing.init()).rejects.toMatchObject({ code: ErrorCode.DatabaseOutdated });
    await missing.close();

    const writer = new PostgresStore({ connectionString: POSTGRES_URL, schema, foldStatsEveryMs: 0, listen: false });
    await writer.init();
    await writer.close();
    const again = new PostgresStore({ connectionString: POSTGRES_URL, schema, upgrade: false, foldStatsEveryMs: 0, listen: false });
    await again.init();
    expect(await again.getRun('none')).toBeUndefined();
    await again.close();
  });
});
