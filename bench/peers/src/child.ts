/**
 * One system, one round, in a process of its own: makes a fresh database, starts the system, runs
 * the selected workloads (each after a warm-up), stops it, drops the database and prints the
 * figures as one `PEER-RESULT {json}` line on stdout. Progress goes to stderr.
 *
 *   node --import tsx src/child.ts --system ID --round N --pg-url URL --workloads W1,W3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { measureW1, measureW1seq, measureW2, measureW3, type Figures } from './measure.js';
import { createDatabase, dropDatabase, freshDatabaseName } from './postgres.js';
import { RESULT_PREFIX, type ChildResult, type WorkloadOutcome } from './protocol.js';
import type { PeerSystem, SystemContext, SystemInstance, WorkloadId } from './system.js';
import { SYSTEM_IDS, loadSystem } from './systems/index.js';
import { measureTen } from './ten.js';

const MEASURE: Record<Exclude<WorkloadId, 'TEN'>, (instance: SystemInstance) => Promise<Figures>> = {
  W1: measureW1,
  W1seq: measureW1seq,
  W2: measureW2,
  W3: measureW3,
};

const METHOD: Record<WorkloadId, keyof SystemInstance> = { W1: 'w1', W1seq: 'w1seq', W2: 'w2', W3: 'w3', TEN: 'ten' };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runSystem(system: PeerSystem, round: number, adminUrl: string, workloads: WorkloadId[]): Promise<ChildResult> {
  const database = freshDatabaseName(`${system.id}_r${round}`);
  const workDir = mkdtempSync(join(tmpdir(), `peers-${system.id}-`));
  // Stopped from outside (Ctrl-C, the runner's time limit): leave no database or folder behind.
  const stopped = (signal: NodeJS.Signals): void => {
    void dropDatabase(adminUrl, database)
      .catch(() => {})
      .finally(() => {
        rmSync(workDir, { recursive: true, force: true });
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
  };
  process.once('SIGINT', stopped);
  process.once('SIGTERM', stopped);
  const result: ChildResult = { system: system.id, round, database, startMs: 0, workloads: [] };
  const log = (text: string): void => void process.stderr.write(`    [${system.id}] ${text}\n`);
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    const pgUrl = await createDatabase(adminUrl, database);
    await admin.connect();
    const context: SystemContext = { pgUrl, workDir, log };
    const started = performance.now();
    const instance = await system.start(context);
    result.startMs = performance.now() - started;
    try {
      for (const id of workloads) {
        if (id === 'TEN') continue;
        result.workloads.push(await runOne(system, instance, id, log));
      }
    } finally {
      await instance.close();
    }
    // TEN starts and stops the system itself (see ten.ts), after everything else.
    if (workloads.includes('TEN')) {
      const outcome: WorkloadOutcome = { id: 'TEN' };
      const note = system.notes?.TEN;
      if (note !== undefined) outcome.skipped = note;
      else {
        try {
          log('TEN');
          outcome.figures = await measureTen(system, context, admin, database);
        } catch (error) {
          outcome.error = message(error);
          log(`TEN failed: ${outcome.error}`);
        }
      }
      result.workloads.push(outcome);
    }
  } catch (error) {
    result.error = message(error);
    log(`failed: ${result.error}`);
  } finally {
    await admin.end().catch(() => {});
    await dropDatabase(adminUrl, database).catch((error: unknown) => log(`could not drop ${database}: ${message(error)}`));
    rmSync(workDir, { recursive: true, force: true });
  }
  return result;
}

async function runOne(system: PeerSystem, instance: SystemInstance, id: Exclude<WorkloadId, 'TEN'>, log: (text: string) => void): Promise<WorkloadOutcome> {
  const note = system.notes?.[id];
  if (note !== undefined) return { id, skipped: note };
  if (instance[METHOD[id]] === undefined) return { id, skipped: 'not provided' };
  log(id);
  try {
    return { id, figures: await MEASURE[id](instance) };
  } catch (error) {
    log(`${id} failed: ${message(error)}`);
    return { id, error: message(error) };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      system: { type: 'string' },
      round: { type: 'string', default: '1' },
      'pg-url': { type: 'string' },
      workloads: { type: 'string' },
    },
  });
  const system = values.system === undefined ? undefined : await loadSystem(values.system);
  if (system === undefined || values['pg-url'] === undefined || values.workloads === undefined) {
    console.error(`usage: child.ts --system (${SYSTEM_IDS.join('|')}) --round N --pg-url URL --workloads W1,W3`);
    process.exit(2);
  }
  const workloads = values.workloads.split(',') as WorkloadId[];
  const result = await runSystem(system, Number(values.round), values['pg-url'], workloads);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  // A system may leave timers or sockets behind; the figures are out, so end here.
  process.exit(0);
}

await main();
