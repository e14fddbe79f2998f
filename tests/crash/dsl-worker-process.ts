/**
 * A worker process for the DSL crash test: one engine on the SQLite file BATON_DB running the crash
 * definitions, their host `crash.test` sent to BATON_CRASH_SERVER (the test's loopback server).
 */
import type { AnyWorkflow } from '@baton/core';
import { definitionWorkflow, parseDefinition } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { CRASH_DEFINITIONS, CRASH_HOST } from './dsl-crash-definitions.js';
import { runWorker } from './run-worker.js';

const path = process.env.BATON_DB;
const server = process.env.BATON_CRASH_SERVER;
if (path === undefined || path.length === 0 || server === undefined || server.length === 0) {
  process.stderr.write('dsl-worker-process: BATON_DB must name the database file and BATON_CRASH_SERVER the loopback server\n');
  process.exit(2);
}

const workflows: AnyWorkflow[] = [];
for (const text of Object.values(CRASH_DEFINITIONS)) {
  const parsed = await parseDefinition(text);
  if (!parsed.ok) {
    process.stderr.write(`dsl-worker-process: invalid definition: ${JSON.stringify(parsed.issues)}\n`);
    process.exit(2);
  }
  workflows.push(definitionWorkflow(parsed.definition, { hostAliases: { [CRASH_HOST]: server } }));
}

await runWorker('dsl-crash-worker', new SqliteStore({ path }), workflows);
