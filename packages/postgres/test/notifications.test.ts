/**
 * LISTEN/NOTIFY: a run started through one store object (another process, in effect) is claimed by an
 * engine on another at once, and a client there hears that it ended, with polling set to a minute.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, defineWorkflow, silentLogger } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL as URL, freshSchema, postgresAvailable as available, runPostgresTests } from './test-database.js';

const schema = freshSchema();

describe.runIf(runPostgresTests('the PostgreSQL notification test'))('PostgreSQL notices', () => {
  it('wake an engine and a waiting client in other processes without polling', async () => {
    expect(available, `no PostgreSQL server answers at ${URL}`).toBe(true);
    const workflow = defineWorkflow({ name: 'noticed' }, async (ctx, n: number) => {
      await ctx.sleep(5);
      return ctx.step('double', () => n * 2);
    });
    const engineStore = new PostgresStore({ connectionString: URL, schema });
    const clientStore = new PostgresStore({ connectionString: URL, schema });
    const engine = new Engine({ store: engineStore, workflows: [workflow], logger: silentLogger, pollIntervalMs: 60_000 });
    await engine.start();
    await clientStore.init();
    try {
      const client = new Client({ store: clientStore });
      for (let i = 1; i <= 3; i++) {
        const started = Date.now();
        const run = await client.start('noticed', i);
        expect(await client.result(run.id, { timeoutMs: 10_000 })).toBe(i * 2);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    } finally {
      await engine.stop();
      await engineStore.close();
      await clientStore.close();
    }
  });
});
