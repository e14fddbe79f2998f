/**
 * A worker restarted on the same host takes over the runs of the one that died at once, instead of
 * waiting out their leases: worker A is SIGKILLed mid-step holding runs on a 10-minute lease, and a
 * new worker B on this host completes them all (well before the leases could have expired, so no
 * timing is assumed). Runs held by a live worker C on the same host are not taken. On SQLite and on
 * PostgreSQL, with real worker processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, type Store } from '@baton/core';
import { PostgresStore, canConnect } from '@baton/postgres';
import { waitFor } from '@baton/testkit';
import { FIVE_STEPS, crashFiveSteps, crashSlowStep, expectedValue, type ChainOutput } from './crash-workflows.js';
import { readSideEffects } from './side-effect-log.js';
import { TestDatabase } from './test-database.js';
import { WorkerHandle } from './worker-handle.js';

const LEASE_MS = 10 * 60_000;
const DEAD_RUNS = 4;
const HELD_RUNS = 2;
const POSTGRES_URL = process.env.BATON_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_WORKER = fileURLToPath(new URL('./postgres-worker-process.ts', import.meta.url));

interface Backend {
  store: Store;
  client: Client;
  effectsPath: string;
  env: Record<string, string>;
  script?: string;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  const db = await TestDatabase.create('local-recovery');
  return { store: db.store, client: db.client, effectsPath: db.effectsPath, env: db.workerEnv(), close: () => db.close() };
}

async function postgresBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-local-recovery-pg-'));
  const schema = `baton_local_recovery_${process.pid}_${Date.now()}`;
  const store = new PostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 4 });
  await store.init();
  const effectsPath = join(dir, 'side-effects.log');
  return {
    store,
    client: new Client({ store }),
    effectsPath,
    env: { BATON_PG_URL: POSTGRES_URL, BATON_PG_SCHEMA: schema, BATON_EFFECTS_LOG: effectsPath },
    script: POSTGRES_WORKER,
    close: async () => {
      await store.close();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const postgres = await canConnect(POSTGRES_URL);
if (!postgres && process.env.CI !== 'true') console.warn(`[baton] skipping the PostgreSQL local recovery test: no server at ${POSTGRES_URL}`);

const backends: [string, () => Promise<Backend>, boolean][] = [
  ['SQLite', sqliteBackend, true],
  ['PostgreSQL', postgresBackend, postgres || process.env.CI === 'true'],
];

for (const [name, open, enabled] of backends) {
  describe.runIf(enabled)(`a worker restarted on the same host (${name})`, () => {
    const workers: WorkerHandle[] = [];
    let backend: Backend | undefined;

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      await backend?.close();
    });

    it('takes over at once the runs of a worker that was SIGKILLed, but not those of a live worker', async () => {
      const b = (backend = await open());
      const start = async (env: Record<string, string>): Promise<{ worker: WorkerHandle; engineId: string }> => {
        const worker = await WorkerHandle.start(
          { ...b.env, BATON_DEFAULT_ENGINE_ID: '1', BATON_LEASE_MS: String(LEASE_MS), BATON_POLL_MS: '50', BATON_SLOW_STEP_MS: '600000', ...env },
          b.script === undefined ? {} : { script: b.script },
        );
        workers.push(worker);
        const engineId = /^engine (\S+)$/m.exec(worker.stdout)?.[1];
        if (engineId === undefined) throw new Error(`the worker printed no engine id:\n${worker.stdout}`);
        return { worker, engineId };
      };
      const leasedBy = async (ids: string[], owner: string): Promise<boolean> =>
        (await Promise.all(ids.map((id) => b.store.getRun(id)))).every((run) => run?.status === 'running' && run.leaseOwner === owner);

      // C: a live worker whose two slots hold runs in a long step.
      const held = Array.from({ length: HELD_RUNS }, (_, i) => `held-${i}`);
      for (const [i, id] of held.entries()) await b.client.start(crashSlowStep, { n: i }, { id });
      const c = await start({ BATON_CONCURRENCY: String(HELD_RUNS) });
      await waitFor(() => leasedBy(held, c.engineId), { timeoutMs: 30_000, message: 'worker C to hold its runs' });

      // A: runs five steps of 300-600 ms each; killed with every run mid-step.
      const dead = Array.from({ length: DEAD_RUNS }, (_, i) => `dead-${i}`);
      for (const [i, id] of dead.entries()) await b.client.start(crashFiveSteps, { n: i }, { id });
      const a = await start({ BATON_CONCURRENCY: String(DEAD_RUNS), BATON_STEP_MIN_MS: '300', BATON_STEP_MAX_MS: '600' });
      await waitFor(() => leasedBy(dead, a.engineId), { timeoutMs: 30_000, message: 'worker A to hold its runs' });
      const endsBy = (pid: number): number => readSideEffects(b.effectsPath).effects.filter((e) => e.pid === pid && e.ev === 'end').length;
      await waitFor(() => endsBy(a.worker.pid) >= DEAD_RUNS + 2, { timeoutMs: 30_000, message: 'worker A to be into its runs' });
      await a.worker.stop('SIGKILL');
      const killedAt = Date.now();
      expect(await leasedBy(dead, a.engineId), "the dead worker's leases are still unexpired").toBe(true);
      const leaseEnds = await Promise.all(dead.map(async (id) => (await b.store.getRun(id))!.leaseExpiresAt!));
      expect(Math.min(...leaseEnds) - killedAt).toBeGreaterThan(LEASE_MS / 2);

      // B: started on the same host; it sees A's process is gone and takes its runs.
      const taker = await start({ BATON_CONCURRENCY: '16', BATON_STEP_MIN_MS: '1', BATON_STEP_MAX_MS: '5' });
      // The leases had minutes to go: completing at all within this deadline means they were taken over.
      await waitFor(async () => (await Promise.all(dead.map((id) => b.store.getRun(id)))).every((r) => r?.status === 'completed'), {
        timeoutMs: 60_000,
        message: `worker B to complete the dead worker's runs; stderr:\n${taker.worker.stderrTail()}`,
      });
      expect(Date.now(), 'completed long before the leases would have expired').toBeLessThan(Math.min(...leaseEnds));
      for (const [i, id] of dead.entries()) {
        const run = await b.client.get(id);
        expect((run?.output as ChainOutput).value, `output of ${id}`).toBe(expectedValue(i, FIVE_STEPS));
        expect((await b.store.getRun(id))?.claims, `${id} was claimed again once`).toBe(2);
      }
      const after = readSideEffects(b.effectsPath).effects.filter((e) => dead.includes(e.runId) && e.at > killedAt);
      expect(after.length).toBeGreaterThan(0);
      expect(new Set(after.map((e) => e.pid)), 'steps after the kill ran on worker B').toEqual(new Set([taker.worker.pid]));

      // C's runs stay with C: it is alive.
      expect(await leasedBy(held, c.engineId), "the live worker's runs are not taken").toBe(true);
      for (const id of held) expect((await b.store.getRun(id))?.claims, id).toBe(1);
      expect(c.worker.alive).toBe(true);
    }, 180_000);
  });
}
