/**
 * On PostgreSQL, `client.result()` of a run that ended in this process takes the committed outcome
 * from the store's hint with no read of the run (strict and batched), and a run ended through
 * another store object (another process, in effect) is still found. Reads are counted by wrapping
 * the store, not faked.
 */
import { describe, expect, it } from 'vitest';
import { Client, Engine, defineWorkflow, silentLogger, type Durability, type Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { POSTGRES_URL as URL, freshSchema, postgresAvailable as available, runPostgresTests } from './test-database.js';

/** The store, with its `getRun` calls counted (every other method goes straight through). */
function counted(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, property) {
      if (property === 'getRun') {
        return (id: string) => {
          reads++;
          return target.getRun(id);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
}

const double = defineWorkflow({ name: 'double' }, async (ctx, n: number) => ctx.step('double', () => n * 2));
const continued = defineWorkflow({ name: 'continued' }, async (ctx, n: number): Promise<number> => {
  await ctx.step('tick', () => n);
  return n < 2 ? ctx.continueAsNew(n + 1) : n * 100;
});

describe.runIf(runPostgresTests('the PostgreSQL result hand-off test'))('result() on PostgreSQL', () => {
  it.each<Durability>(['strict', 'batched'])('gets the outcome of runs that end in this process with no read (%s)', async (durability) => {
    expect(available, `no PostgreSQL server answers at ${URL}`).toBe(true);
    const raw = new PostgresStore({ connectionString: URL, schema: freshSchema() });
    const { store, reads } = counted(raw);
    const engine = new Engine({ store, workflows: [double], durability, logger: silentLogger });
    await engine.start();
    try {
      const before = reads();
      for (let i = 0; i < 20; i++) {
        const handle = await engine.client.start(double, i);
        expect(await handle.result()).toBe(i * 2);
      }
      expect(reads() - before).toBe(0);
    } finally {
      await engine.stop();
      await raw.close();
    }
  });

  it('finds runs ended through another store object, and follows continueAsNew', async () => {
    const schema = freshSchema();
    const engineStore = new PostgresStore({ connectionString: URL, schema });
    const clientStore = new PostgresStore({ connectionString: URL, schema });
    const engine = new Engine({ store: engineStore, workflows: [double, continued], logger: silentLogger });
    await engine.start();
    await clientStore.init();
    const client = new Client({ store: clientStore });
    try {
      const run = await client.start('double', 4);
      expect(await client.result(run.id, { timeoutMs: 20_000 })).toBe(8);
      const chain = await engine.client.start(continued, 0);
      expect(await chain.result({ timeoutMs: 20_000 })).toBe(200);
      expect(await client.result(chain.id, { timeoutMs: 20_000 })).toBe(200);
    } finally {
      client.close();
      await engine.stop();
      await engineStore.close();
      await clientStore.close();
    }
  });
});
