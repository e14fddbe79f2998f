/**
 * The planner benchmark: each scenario's paragraph planned by a model through Baton's real planner
 * (`plan()` on an engine over a temporary SQLite database, `baton.plan` registered with the
 * benchmark catalog), then checked: valid with the catalog, the workflows and approvals the
 * paragraph asks for, and its branches by simulation.
 *
 *   npm run bench:planner -- [--model provider:model] [--only name,name] [--rounds N] [--out DIR] [--json]
 *
 * With no --model and BATON_AI_MODEL unset it asks Baton's local scripted model (rule-based; see
 * bench-model.ts). Prints per scenario: valid on round 1, valid after feedback, rounds, checks
 * passed (the failed ones listed below the table), tokens, cost and time; then the totals. `--out`
 * writes each scenario's last definition to DIR/<scenario>.yaml, to read what the model wrote.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { plan, plannerWorkflow } from '@baton/dsl';
import { SqliteStore } from '@baton/sqlite';
import { sqliteStores } from '../lib/stores.js';
import { now } from '../lib/timing.js';
import { withEngine } from '../lib/with-engine.js';
import { benchModel } from './bench-model.js';
import { BENCH_CATALOG } from './catalog/bench-catalog.js';
import { checkNames, checkPlan } from './check-plan.js';
import { failureList, scenarioTable, totalsOf, totalsText, type ScenarioFigures } from './scenario-report.js';
import { PLANNER_SCENARIOS } from './scenarios/index.js';

const USAGE = 'Usage: npm run bench:planner -- [--model provider:model] [--only name,name] [--rounds N (1-10, default 3)] [--out DIR] [--json]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) fail(`--rounds must be a whole number from 1 to 10 (got '${values.rounds}').`);
if (values.model !== undefined && !/^[^:\s]+:\S+$/.test(values.model)) fail(`--model takes provider:model (got '${values.model}').`);
const only = values.only?.split(',').map((s) => s.trim()) ?? [];
const unknown = only.filter((name) => !PLANNER_SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) fail(`No scenario named ${unknown.join(', ')}; there are: ${PLANNER_SCENARIOS.map((s) => s.name).join(', ')}.`);
const scenarios = only.length === 0 ? PLANNER_SCENARIOS : PLANNER_SCENARIOS.filter((s) => only.includes(s.name));

let model: Awaited<ReturnType<typeof benchModel>>;
try {
  model = await benchModel(values.model);
} catch (error) {
  console.error(
    `Cannot start the local scripted model (${error instanceof Error ? error.message : String(error)}): run npm run build, or name a model with --model or BATON_AI_MODEL.`,
  );
  process.exit(1);
}
const started = new Date().toISOString();
const rows: ScenarioFigures[] = [];
try {
  const planner = plannerWorkflow({ catalog: () => Promise.resolve(BENCH_CATALOG), defaultRounds: rounds });
  await withEngine(sqliteStores(), { durability: 'strict', concurrency: 4, workflows: [planner] }, async (engine) => {
    for (const scenario of scenarios) {
      const start = now();
      try {
        const result = await plan({ description: scenario.paragraph, model: model.model, maxRounds: rounds }, { client: engine.client, timeoutMs: 600_000 });
        const ms = now() - start;
        if (values.out !== undefined && result.definition !== undefined) {
          mkdirSync(values.out, { recursive: true });
          writeFileSync(join(values.out, `${scenario.name}.yaml`), result.definition);
        }
        const checks = await checkPlan(scenario, result.definition, { catalog: BENCH_CATALOG, store: () => new SqliteStore({ path: ':memory:' }) });
        rows.push({
          scenario: scenario.name,
          validFirstRound: result.rounds[0]?.valid ?? false,
          validAfterFeedback: result.valid,
          rounds: result.rounds.length,
          checks,
          tokens: result.tokens.total,
          costUsd: result.costUsd,
          ms,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const checks = checkNames(scenario).map((check) => ({ check, passed: false, detail: 'not planned' }));
        rows.push({
          scenario: scenario.name,
          validFirstRound: false,
          validAfterFeedback: false,
          rounds: 0,
          checks,
          tokens: 0,
          costUsd: 0,
          ms: now() - start,
          error: message,
        });
      }
      if (!values.json) process.stderr.write(`${scenario.name}: ${rows.at(-1)!.validAfterFeedback ? 'valid' : 'invalid'}\n`);
    }
  });
} finally {
  await model.close();
}

const totals = totalsOf(rows);
if (values.json) {
  console.log(JSON.stringify({ started, model: model.model, scripted: model.scripted, rounds, scenarios: rows, totals }, null, 2));
} else {
  console.log(`\nBaton planner benchmark — ${started}`);
  console.log(`Node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`);
  console.log(
    `model ${model.model}${model.scripted ? " (Baton's local scripted model: rule-based, deterministic)" : ''}; up to ${rounds} round(s); ${scenarios.length} scenario(s); catalog of ${BENCH_CATALOG.workflows.length} workflows\n`,
  );
  console.log(scenarioTable(rows));
  console.log(`\n${failureList(rows)}\n`);
  console.log(totalsText(totals));
}
