/**
 * The PostgreSQL chaos test at scale: `npm run bench:chaos -- --runs 10000`. It runs the same test as
 * `npm test` (tests/chaos/postgres-chaos.test.ts: four worker processes, a SIGKILL every 0.5 s, one
 * database restart, every invariant checked) with more runs, and passes its figures through.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 10) {
  console.error(`--runs must be a whole number of at least 10 (got '${values.runs}').`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const child = spawn(
  process.execPath,
  [fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', 'tests/chaos/postgres-chaos.test.ts'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BATON_CHAOS_RUNS: String(runs), ...(values.seed === undefined ? {} : { BATON_CHAOS_SEED: values.seed }) },
  },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
