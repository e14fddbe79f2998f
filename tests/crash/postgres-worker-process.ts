/** A worker process for the crash tests: one engine on the PostgresStore named by BATON_PG_URL and BATON_PG_SCHEMA running the crash workflows. */
import { PostgresStore } from '@baton/postgres';
import { crashWorkflows } from './crash-workflows.js';
import { envNumber, runWorker } from './run-worker.js';

const connectionString = process.env.BATON_PG_URL;
const schema = process.env.BATON_PG_SCHEMA;
if (connectionString === undefined || connectionString.length === 0 || schema === undefined || schema.length === 0) {
  process.stderr.write('postgres-worker-process: BATON_PG_URL and BATON_PG_SCHEMA must name the database and schema\n');
  process.exit(2);
}

await runWorker('crash-worker', new PostgresStore({ connectionString, schema, maxConnections: envNumber('BATON_PG_CONNECTIONS', 4) }), crashWorkflows);
