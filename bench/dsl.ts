/**
 * What a definition's task costs next to a TypeScript step: the same ten-task workflow in YAML (run
 * by @baton/dsl's interpreter) and in TypeScript (ten ctx.step), on SQLite, as tasks/s and CPU per
 * task, and their ratio YAML/TS.
 *
 *   npm run bench:dsl [-- --reps 5] [--runs 200] [--durability strict,batched] [--only set,http] [--inputs distinct|same] [--json]
 *
 * Shapes: `set` (each task `count: ${ .count + 1 }`, the W1 shape) and `http` (each task a GET to a
 * loopback node:http server started here). Each shape runs concurrently (all runs started at once,
 * like W1) and sequentially (one run at a time, like W1seq). Every measurement is a fresh engine on a
 * fresh SQLite file; YAML and TypeScript alternate (their order swaps every repetition) after one
 * unreported warm-up of each, and the report quotes medians over the repetitions, the ratios being
 * the medians of each repetition's ratio.
 *
 * Each run starts from its own count (`--inputs distinct`, the default), so no two runs evaluate an
 * expression on the same data (nor does any other measurement), and the interpreter's memo of recent
 * jq results cannot answer for jq; `--inputs same` starts every run from 0 as W1 does, which shows
 * what that memo saves. Each measurement has a new interpreter (a new memo).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { AnyWorkflow, Durability } from '@baton/core';
import { definitionOf, httpDefinitionText, setDefinitionText, TASKS, typescriptHttp, typescriptSet, type Counter, type Shape } from './dsl/bench-workflows.js';
import { startCounterServer } from './dsl/counter-server.js';
import { median } from './lib/stats.js';
import { sqliteStores } from './lib/stores.js';
import { cpuMs, now } from './lib/timing.js';
import { withEngine } from './lib/with-engine.js';

type Order = 'concurrent' | 'sequential';
type Side = 'yaml' | 'ts';

interface Sample {
  tasksPerSec: number;
  cpuUsPerTask: number;
}

interface Variant {
  shape: Shape;
  order: Order;
  durability: Durability;
  samples: Record<Side, Sample[]>;
}

const USAGE =
  'Usage: npm run bench:dsl -- [--reps N (≥ 5 for the record)] [--runs N] [--durability strict,batched] [--only set,http] [--inputs distinct|same] [--json]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a whole number of at least 1 (got '${text}').`);
  return value;
}

function list<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim());
  const wrong = items.filter((item) => !allowed.includes(item as T));
  if (wrong.length > 0 || items.length === 0) fail(`--${name} takes ${allowed.join(', ')} (got '${text}').`);
  return items as T[];
}

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    runs: { type: 'string', default: '200' },
    durability: { type: 'string', default: 'strict,batched' },
    only: { type: 'string', default: 'set,http' },
    inputs: { type: 'string', default: 'distinct' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  console.log(USAGE);
  process.exit(0);
}
const reps = positive('reps', values.reps);
const runs = positive('runs', values.runs);
const durabilities = list<Durability>('durability', values.durability, ['strict', 'batched']);
const shapes = list<Shape>('only', values.only, ['set', 'http']);
const inputs = list<'distinct' | 'same'>('inputs', values.inputs, ['distinct', 'same'])[0]!;
/** Measurements so far: each gives its runs counts no other measurement used. */
let measurements = 0;
const stores = sqliteStores();

/** One measurement: `runs` runs of `workflow` on a fresh engine, all at once or one after another. */
async function measure(workflow: AnyWorkflow, order: Order, durability: Durability): Promise<Sample> {
  const base = ++measurements * runs * 1000;
  /** Where run `i` starts counting. */
  const startOf = (i: number): number => (inputs === 'same' ? 0 : base + i * 1000);
  const concurrency = order === 'concurrent' ? 256 : 16;
  return withEngine(stores, { durability, concurrency, workflows: [workflow] }, async (engine) => {
    const results: unknown[] = [];
    const cpu = cpuMs();
    const start = now();
    if (order === 'concurrent') {
      const handles = await Promise.all(Array.from({ length: runs }, (_, i) => engine.client.start(workflow, { count: startOf(i) })));
      results.push(...(await Promise.all(handles.map((h) => h.result()))));
    } else {
      for (let i = 0; i < runs; i++) results.push(await (await engine.client.start(workflow, { count: startOf(i) })).result());
    }
    const wallMs = now() - start;
    const cpuUsed = cpuMs() - cpu;
    const wrong = results.findIndex((r, i) => (r as Counter | null)?.count !== startOf(i) + TASKS);
    if (wrong >= 0) throw new Error(`${workflow.name} run ${wrong} returned ${JSON.stringify(results[wrong])}, not { count: ${startOf(wrong) + TASKS} }`);
    const tasks = runs * TASKS;
    return { tasksPerSec: tasks / (wallMs / 1000), cpuUsPerTask: (cpuUsed * 1000) / tasks };
  });
}

function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function describe(sample: Sample): string {
  return `${format(sample.tasksPerSec)} tasks/s, ${format(sample.cpuUsPerTask, 1)} µs CPU/task`;
}

interface Row {
  shape: Shape;
  order: Order;
  durability: Durability;
  yamlTasksPerSec: number;
  tsStepsPerSec: number;
  yamlCpuUs: number;
  tsCpuUs: number;
  /** Median over repetitions of (TS steps/s ÷ YAML tasks/s): how many times longer a YAML task takes. */
  timeRatio: number;
  /** Median over repetitions of (YAML CPU per task ÷ TS CPU per step). */
  cpuRatio: number;
}

function row(variant: Variant): Row {
  const { yaml, ts } = variant.samples;
  return {
    shape: variant.shape,
    order: variant.order,
    durability: variant.durability,
    yamlTasksPerSec: median(yaml.map((s) => s.tasksPerSec)),
    tsStepsPerSec: median(ts.map((s) => s.tasksPerSec)),
    yamlCpuUs: median(yaml.map((s) => s.cpuUsPerTask)),
    tsCpuUs: median(ts.map((s) => s.cpuUsPerTask)),
    timeRatio: median(yaml.map((s, i) => ts[i]!.tasksPerSec / s.tasksPerSec)),
    cpuRatio: median(yaml.map((s, i) => s.cpuUsPerTask / ts[i]!.cpuUsPerTask)),
  };
}

function table(rows: Row[]): string {
  const header = ['shape', 'runs', 'durability', 'YAML tasks/s', 'TS steps/s', 'time YAML/TS', 'YAML CPU/task', 'TS CPU/step', 'CPU YAML/TS'];
  const cells = rows.map((r) => [
    r.shape,
    r.order,
    r.durability,
    format(r.yamlTasksPerSec),
    format(r.tsStepsPerSec),
    `${format(r.timeRatio, 2)}×`,
    `${format(r.yamlCpuUs, 1)} µs`,
    `${format(r.tsCpuUs, 1)} µs`,
    `${format(r.cpuRatio, 2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i < 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const server = await startCounterServer();
  // A new interpreter for each measurement, so none starts with what an earlier one's evaluator remembers.
  const pairs: Record<Shape, Record<Side, () => Promise<AnyWorkflow>>> = {
    set: { yaml: () => definitionOf(setDefinitionText()), ts: () => Promise.resolve(typescriptSet) },
    http: { yaml: () => definitionOf(httpDefinitionText(server.url)), ts: () => Promise.resolve(typescriptHttp(server.url)) },
  };
  const variants: Variant[] = [];
  for (const shape of shapes)
    for (const order of ['concurrent', 'sequential'] as const)
      for (const durability of durabilities) variants.push({ shape, order, durability, samples: { yaml: [], ts: [] } });

  const loadBefore = loadavg().map((l) => l.toFixed(2));
  const started = new Date().toISOString();
  process.stderr.write(
    `Baton DSL benchmark: ${started}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${stores.description}; ${runs} runs × ${TASKS} tasks (${inputs} inputs), ${reps} repetitions\n`,
  );
  try {
    for (const variant of variants) {
      // Warm-up: the JIT, jq's WebAssembly module and the HTTP agent, unreported.
      for (const side of ['yaml', 'ts'] as const) await measure(await pairs[variant.shape][side](), variant.order, variant.durability);
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const variant of variants) {
        const sides: Side[] = rep % 2 === 0 ? ['yaml', 'ts'] : ['ts', 'yaml'];
        for (const side of sides) {
          const sample = await measure(await pairs[variant.shape][side](), variant.order, variant.durability);
          variant.samples[side].push(sample);
          process.stderr.write(`  ${variant.shape} ${variant.order} ${variant.durability} ${side} #${rep + 1}: ${describe(sample)}\n`);
        }
      }
    }
  } finally {
    await server.close();
  }
  const rows = variants.map(row);
  const loadAfter = loadavg().map((l) => l.toFixed(2));
  if (values.json) {
    console.log(
      JSON.stringify({ started, node: process.version, cpus: cpus().length, runs, tasks: TASKS, inputs, reps, loadBefore, loadAfter, rows, variants }, null, 2),
    );
    return;
  }
  console.log(`\nBaton DSL benchmark — ${started}`);
  console.log(`Node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); ${stores.description}`);
  console.log(
    `${runs} runs × ${TASKS} tasks per measurement (${inputs} inputs); medians of ${reps} alternated repetitions; load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`,
  );
  console.log(table(rows));
  console.log('\ntime YAML/TS: how many times longer a YAML task takes than a TypeScript step (TS steps/s ÷ YAML tasks/s); goal ≤ 1.5×.');
}

await main();
