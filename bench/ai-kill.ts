/**
 * Model answers lost to SIGKILL, at scale: `npm run bench:ai-kill -- --runs 300 --kills 10`. It runs
 * tests/crash/ai-kill.test.ts (worker processes making model calls for many runs at once against the
 * scripted provider, a random worker SIGKILLed and restarted every 0.5-1.5 s, every invariant checked)
 * with more runs, and passes its figures through: provider requests paid twice per kill, answers
 * delivered before a kill but lost with it, and the window from the provider's answer to the commit
 * of the journaled turn, split where the worker read the answer and where the workflow saw it, with
 * the workers' event loop delay. `--concurrency` sets the runs each worker holds at once.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    kills: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '100' },
    store: { type: 'string', default: 'sqlite' },
    seed: { type: 'string' },
  },
});
const numbers = { runs: values.runs, kills: values.kills, workers: values.workers, concurrency: values.concurrency };
for (const [name, text] of Object.entries(numbers)) {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    console.error(`--${name} must be a whole number of at least 1 (got '${text}').`);
    process.exit(2);
  }
}
if (values.store !== 'sqlite' && values.store !== 'postgres') {
  console.error(`--store must be sqlite or postgres (got '${values.store}').`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const child = spawn(process.execPath, [fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', 'tests/crash/ai-kill.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    BATON_AI_KILL_RUNS: numbers.runs,
    BATON_AI_KILL_KILLS: numbers.kills,
    BATON_AI_KILL_WORKERS: numbers.workers,
    BATON_AI_KILL_CONCURRENCY: numbers.concurrency,
    BATON_AI_KILL_STORE: values.store,
    ...(values.seed === undefined ? {} : { BATON_AI_KILL_SEED: values.seed }),
  },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
