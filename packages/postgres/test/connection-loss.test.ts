/**
 * Connection loss: every connection of an engine's store (pool and LISTEN) is terminated by the server
 * several times while runs execute. The engine must back off, reconnect and carry on: every run
 * completes once with the right output, every journal position is written once, and nothing throws
 * out of the engine.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Client, Engine, defineWorkflow, type Logger } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL, freshSchema, postgresAvailable, runPostgresTests } from './test-database.js';

const RUNS = 60;
const STEPS = 8;
const TERMINATIONS = 12;

describe.runIf(runPostgresTests('the PostgreSQL connection-loss test'))('PostgreSQL connection loss', () => {
  it('reconnects after the server drops every connection, and finishes every run once', async () => {
    expect(postgresAvailable, `no PostgreSQL server answers at ${POSTGRES_URL}`).toBe(true);
    const schema = freshSchema();
    const appName = `baton-connloss-${randomUUID().slice(0, 8)}`;
    const executions = new Map<string, number>();
    const workflow = defineWorkflow({ name: 'steady' }, async (ctx, n: number) => {
      let value = n;
      for (let s = 1; s <= STEPS; s++) {
        value = await ctx.step(`step-${s}`, async () => {
          executions.set(`${ctx.runId}/${s}`, (executions.get(`${ctx.runId}/${s}`) ?? 0) + 1);
          await delay(40);
          return value + s;
        });
      }
      return value;
    });
    const engineStore = new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4, pool: { application_name: appName } });
    const clientStore = new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 2 });
    // What the engine reports while its connections drop, by message.
    const reported = new Map<string, number>();
    const note = (_fields: Record<string, unknown>, message: string): void => void reported.set(message, (reported.get(message) ?? 0) + 1);
    const logger: Logger = { debug: () => {}, info: () => {}, warn: note, error: note };
    const engine = new Engine({ store: engineStore, workflows: [workflow], logger, leaseMs: 1000, pollIntervalMs: 50, concurrency: 20 });
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await engine.start();
    await clientStore.init();
    try {
      const client = new Client({ store: clientStore });
      const ids: string[] = [];
      for (let i = 0; i < RUNS; i++) ids.push((await client.start(workflow, i)).id);

      let terminated = 0;
      for (let k = 0; k < TERMINATIONS; k++) {
        await delay(100);
        // Busy connections first: a commit or claim in flight is the case that matters.
        const result = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 ORDER BY state = 'active' DESC", [
          appName,
        ]);
        terminated += result.rowCount ?? 0;
      }
      expect(terminated, 'connections the server terminated').toBeGreaterThan(TERMINATIONS);

      const expected = (n: number): number => n + (STEPS * (STEPS + 1)) / 2;
      for (const [i, id] of ids.entries()) expect(await client.result(id, { timeoutMs: 30_000 })).toBe(expected(i));
      for (const id of ids) {
        const journal = await client.journal(id);
        expect(journal.map((e) => e.seq)).toEqual(Array.from({ length: STEPS }, (_, k) => k + 1));
        expect((await client.get(id))?.status).toBe('completed');
      }
      const reExecuted = [...executions.values()].filter((n) => n > 1).length;
      // A step whose result was lost with its connection runs again (at least once, same key); most do not.
      expect(reExecuted).toBeLessThan(RUNS * STEPS);
      console.log(
        `postgres connection loss: ${terminated} connections terminated in ${TERMINATIONS} rounds; ${reExecuted} of ${RUNS * STEPS} steps re-executed; engine reported ${JSON.stringify(Object.fromEntries(reported))}`,
      );
      // The engine kept its connections: a new run still completes.
      const after = await client.start(workflow, 1000);
      expect(await client.result(after.id, { timeoutMs: 10_000 })).toBe(expected(1000));
    } finally {
      await engine.stop();
      await engineStore.close();
      await clientStore.close();
      await admin.end();
    }
  }, 60_000);
});
