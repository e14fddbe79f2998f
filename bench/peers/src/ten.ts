/**
 * TEN: what one 10-step workflow costs the database, from PostgreSQL's own counters.
 *
 * A backend reports its statistics when it goes idle (at most about once a second, and an idle one
 * may hold them for 10 s) or when it exits, so the counters are read only once every session of the
 * round's database has ended. The system is started and stopped twice: once running one workflow
 * (the warm-up), once running that one and `SIZES.tenWorkflows` more. The difference of the two is
 * the cost of those workflows alone, without the system's start, stop and background work.
 */
import type pg from 'pg';
import { readCounters, subtract, waitForNoSessions, type Counters } from './postgres.js';
import type { PeerSystem, SystemContext } from './system.js';
import { SIZES } from './workloads.js';
import type { Figures } from './measure.js';

const SESSIONS_TIMEOUT_MS = 30_000;

async function phase(
  system: PeerSystem,
  context: SystemContext,
  admin: pg.Client,
  database: string,
  workflows: number,
): Promise<{ counters: Counters; lastMs: number }> {
  if (!(await waitForNoSessions(admin, database, SESSIONS_TIMEOUT_MS))) throw new Error('sessions to the database stayed open');
  const before = await readCounters(admin, database);
  const instance = await system.start(context);
  let lastMs: number;
  try {
    const ten = instance.ten;
    if (ten === undefined) throw new Error('the system does not provide ten');
    const started = performance.now();
    for (let i = 0; i < workflows; i++) await ten.call(instance);
    lastMs = performance.now() - started;
  } finally {
    await instance.close();
  }
  if (!(await waitForNoSessions(admin, database, SESSIONS_TIMEOUT_MS)))
    throw new Error(`the system left sessions open to the database after close(), so its counters cannot be read`);
  return { counters: subtract(await readCounters(admin, database), before), lastMs };
}

export async function measureTen(system: PeerSystem, context: SystemContext, admin: pg.Client, database: string): Promise<Figures> {
  const base = await phase(system, context, admin, database, 1);
  const full = await phase(system, context, admin, database, 1 + SIZES.tenWorkflows);
  const n = SIZES.tenWorkflows;
  const per = (key: keyof Counters): number => (full.counters[key] - base.counters[key]) / n;
  return {
    xactCommit: per('xactCommit'),
    xids: per('xids'),
    walRecords: per('walRecords'),
    walBytes: per('walBytes'),
    walSyncs: per('walSyncs'),
    msPerWorkflow: (full.lastMs - base.lastMs) / n,
  };
}
