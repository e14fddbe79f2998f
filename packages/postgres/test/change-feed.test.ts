/**
 * The change feed under concurrent commits: change ids come from a sequence in insert order, so a
 * transaction that inserted first can commit last. A reader must neither skip its changes nor read
 * past them and lose them.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, runPostgresTests } from './test-database.js';

const T0 = Date.UTC(2030, 0, 1);

describe.runIf(runPostgresTests('the change feed test'))('PostgreSQL change feed', () => {
  it('holds the cursor behind a transaction that is still open, then delivers its change after it commits', async () => {
    const schema = freshSchema();
    const store = new PostgresStore({ connectionString: POSTGRES_URL, schema });
    await store.init();
    const slow = new pg.Client({ connectionString: POSTGRES_URL });
    await slow.connect();
    try {
      const start = await store.changeCursor();
      // A transaction that takes the lower change id and stays open.
      await slow.query(`SET search_path TO "${schema}"`);
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO runs (id, workflow, version, status, input, queue, priority, ready_at, created_at, updated_at)
         VALUES ('slow', 'wf', '1', 'queued', '{}', 'default', 0, $1, $1, $1)`,
        [T0],
      );
      // A later change that commits first.
      await store.createRun({ id: 'fast', workflow: 'wf', version: '1', input: '{}', queue: 'default', priority: 0 }, T0 + 1);

      const ids = async (after: string): Promise<{ runs: string[]; cursor: string }> => {
        const page = await store.listChanges({ after, limit: 100 });
        return { runs: page.changes.map((c) => c.runId), cursor: page.cursor };
      };
      // While 'slow' is open, 'fast' is held back too: delivering it would move the cursor past 'slow'.
      const during = await ids(start);
      expect(during.runs).toEqual([]);
      await slow.query('COMMIT');
      // Other transactions on the server (other tests) may hold the horizon back a moment longer.
      const delivered: string[] = [];
      let cursor = during.cursor;
      for (const deadline = Date.now() + 10_000; delivered.length < 2 && Date.now() < deadline;) {
        const page = await ids(cursor);
        delivered.push(...page.runs);
        cursor = page.cursor;
        if (delivered.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(delivered).toEqual(['slow', 'fast']);
      expect((await ids(cursor)).runs).toEqual([]);
    } finally {
      await slow.end();
      await store.close();
    }
  });
});
