/** `--db postgres://…`: a worker and a client in separate processes on one PostgreSQL schema. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect } from '@baton/postgres';
import { CliProcess, WORKFLOWS, baton } from './helpers.js';

const SERVER = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `baton_cli_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

const available = await canConnect(SERVER);
if (!available && process.env.CI !== 'true') console.warn(`[baton] skipping the CLI PostgreSQL test: no server answers at ${SERVER}.`);

afterAll(async () => {
  if (!available) return;
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.runIf(available || process.env.CI === 'true')('baton on PostgreSQL', { timeout: 60_000 }, () => {
  it('runs a workflow on a worker and lists it, with --db and with BATON_DB', async () => {
    expect(available, `no PostgreSQL server answers at ${SERVER}`).toBe(true);
    const db = `${SERVER}?schema=${schema}`;
    const worker = new CliProcess(['worker', '--db', db, '--workflows', WORKFLOWS]);
    try {
      await worker.waitForOutput('baton worker:');
      const result = await baton(['run', 'greet', '--db', db, '--input', '{"name":"pg","times":1}', '--wait']);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ greeting: 'hello PG' });
      const list = await baton(['runs', 'list', '--json'], { env: { BATON_DB: db } });
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as { workflow: string; status: string }[]).map((r) => [r.workflow, r.status])).toEqual([['greet', 'completed']]);
    } finally {
      await worker.stop('SIGTERM');
    }
  });
});
