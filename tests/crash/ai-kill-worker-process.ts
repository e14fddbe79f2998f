/**
 * A worker process for the AI kill test: one engine running the ai-kill workflow on the SQLite file
 * BATON_DB, or on PostgreSQL when BATON_PG_URL and BATON_PG_SCHEMA are set. Every model turn it has
 * made durable is appended to BATON_COMMIT_LOG (one line per turn, after its commit), so the test can
 * tell when each answer was journaled. With BATON_READ_LOG set, when it read each answer and how late
 * its event loop ran are appended there (see ai-kill-read-log.ts).
 */
import { appendFileSync } from 'node:fs';
import type { Store } from '@baton/core';
import { PostgresStore } from '@baton/postgres';
import { SqliteStore } from '@baton/sqlite';
import { aiKill } from './ai-kill-workflows.js';
import { logAnswerReads } from './ai-kill-read-log.js';
import { runWorker } from './run-worker.js';

const commitLog = process.env.BATON_COMMIT_LOG;
const path = process.env.BATON_DB;
const pgUrl = process.env.BATON_PG_URL;
const pgSchema = process.env.BATON_PG_SCHEMA;
if (commitLog === undefined || ((path === undefined || path === '') && (pgUrl === undefined || pgSchema === undefined))) {
  process.stderr.write('ai-kill-worker-process: BATON_COMMIT_LOG and BATON_DB (or BATON_PG_URL and BATON_PG_SCHEMA) are needed\n');
  process.exit(2);
}
const readLog = process.env.BATON_READ_LOG;
if (readLog !== undefined && readLog !== '') logAnswerReads(readLog);
const store: Store =
  pgUrl !== undefined && pgSchema !== undefined
    ? new PostgresStore({ connectionString: pgUrl, schema: pgSchema, maxConnections: 4 })
    : new SqliteStore({ path: path! });

await runWorker('ai-kill-worker', store, [aiKill], (engine) =>
  engine.subscribe((event) => {
    if (event.type === 'step.completed')
      appendFileSync(commitLog, `${JSON.stringify({ runId: event.runId, step: event.step, at: Date.now(), pid: process.pid })}\n`);
  }),
);
