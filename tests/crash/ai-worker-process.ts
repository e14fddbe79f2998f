/** A worker process for the AI crash test: one engine on the SQLite file BATON_DB, models reached as the environment says. */
import '@baton/ai';
import { SqliteStore } from '@baton/sqlite';
import { aiCrash } from './ai-workflows.js';
import { runWorker } from './run-worker.js';

const path = process.env.BATON_DB;
if (path === undefined || path.length === 0) {
  process.stderr.write('ai-worker-process: BATON_DB must name the database file\n');
  process.exit(2);
}

await runWorker('ai-crash-worker', new SqliteStore({ path }), [aiCrash]);
