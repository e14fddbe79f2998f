/** A worker process for the crash tests: one engine on the SQLite file BATON_DB running the crash workflows. */
import { SqliteStore } from '@baton/sqlite';
import { crashWorkflows } from './crash-workflows.js';
import { runWorker } from './run-worker.js';

const path = process.env.BATON_DB;
if (path === undefined || path.length === 0) {
  process.stderr.write('worker-process: BATON_DB must name the database file\n');
  process.exit(2);
}

await runWorker('crash-worker', new SqliteStore({ path }), crashWorkflows);
