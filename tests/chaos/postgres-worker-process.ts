/** A worker process for the chaos test: one engine on the PostgresStore named by BATON_PG_URL and BATON_PG_SCHEMA. */
import { PostgresStore } from '@baton/postgres';
import { envNumber, runWorker } from '../crash/run-worker.js';
import { chaosTenSteps } from './chaos-workflows.js';

const connectionString = process.env.BATON_PG_URL;
const schema = process.env.BATON_PG_SCHEMA;
if (connectionString === undefined || connectionString.length === 0 || schema === undefined || schema.length === 0) {
  process.stderr.write('postgres-worker-process: BATON_PG_URL and BATON_PG_SCHEMA must name the database and schema\n');
  process.exit(2);
}

await runWorker('chaos-worker', new PostgresStore({ connectionString, schema, maxConnections: envNumber('BATON_PG_CONNECTIONS', 8) }), [chaosTenSteps]);
