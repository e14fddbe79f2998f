/**
 * Runs Baton's benchmarks and prints a table of medians (with min and max) per durability mode.
 *
 *   npm run bench [-- --store sqlite|postgres] [--pg-url URL] [--only W1,W3] [--runs N] [--json]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Durability } from '@baton/core';
import { measureCommitFloor, type CommitFloor } from './lib/commit-floor.js';
import { summarize, type Summary } from './lib/stats.js';
import { STORE_KINDS, postgresUrl, storeFactory, type StoreFactory, type StoreKind } from './lib/stores.js';
import { meets, targetFor, type MetricSpec, type Sample, type Target, type Workload } from './lib/workload.js';
import { postgresRaw } from './workloads/postgres-raw.js';
import { sqliteRaw } from './workloads/sqlite-raw.js';
import { w1, w1tagged } from './workloads/w1.js';
import { w1procs } from './workloads/w1-procs.js';
import { w1seq } from './workloads/w1seq.js';
import { w2 } from './workloads/w2.js';
import { w3 } from './workloads/w3.js';
import { w4 } from './workloads/w4.js';

const WORKLOADS: readonly Workload[] = [sqliteRaw, postgresRaw, w1, w1tagged, w1seq, w2, w3, w4, w1procs];

/** 'machine' is the column of workloads that run no engine. */
type Mode = Durability | 'machine';

interface MetricResult {
  key: string;
  label: string;
  unit: string;
  target?: Target;
  results: Partial<Record<Mode, Summary & { met?: boolean }>>;
}

interface WorkloadResult {
  id: string;
  title: string;
  metrics: MetricResult[];
  error?: string;
}

const USAGE = `Usage: npm run bench -- [--store sqlite|postgres] [--pg-url URL] [--only ${WORKLOADS.map((w) => w.id).join(',')}] [--runs N] [--json]
  --store    the store to measure (default sqlite); postgres uses a fresh schema per measurement, dropped afterwards
  --pg-url   the PostgreSQL database (default: $BATON_BENCH_POSTGRES, else postgres://postgres@127.0.0.1:5432/test)`;

function runsOn(workload: Workload, kind: StoreKind): boolean {
  return workload.stores === undefined || workload.stores.includes(kind);
}

function options(): { selected: Workload[]; runs: number; json: boolean; stores: StoreFactory } {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string' },
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const kind = values.store as StoreKind;
  if (!STORE_KINDS.includes(kind)) fail(`--store must be ${STORE_KINDS.join(' or ')}, not '${values.store}'.`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, not '${values.runs}'.`);
  let selected = WORKLOADS.filter((w) => runsOn(w, kind));
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((s) => s.trim().toLowerCase());
    const unknown = wanted.filter((id) => !WORKLOADS.some((w) => w.id.toLowerCase() === id));
    if (unknown.length > 0) fail(`Unknown workload ${unknown.join(', ')}. ${USAGE}`);
    const notHere = WORKLOADS.filter((w) => wanted.includes(w.id.toLowerCase()) && !runsOn(w, kind));
    if (notHere.length > 0) fail(`${notHere.map((w) => w.id).join(', ')} does not run on --store ${kind}.`);
    selected = WORKLOADS.filter((w) => wanted.includes(w.id.toLowerCase()));
  }
  return { selected, runs, json: values.json, stores: storeFactory(kind, postgresUrl(values['pg-url'])) };
}

const FLOOR_METRICS: Record<keyof CommitFloor, MetricSpec> = {
  singleCommitMs: { key: 'singleCommitFloorMs', label: 'floor: one single-row commit', unit: 'ms', digits: 3 },
  threeCommitsMs: { key: 'threeCommitsFloorMs', label: 'floor: three single-row commits in sequence', unit: 'ms', digits: 3 },
};

/** What a workload reports: its metrics, then the floors it compares with and the ratios to them. */
function metricsOf(workload: Workload): MetricSpec[] {
  const ratios = workload.floorRatios ?? [];
  const floors = [...new Set(ratios.map((r) => r.floor))].map((f) => FLOOR_METRICS[f]);
  return [...workload.metrics, ...floors, ...ratios.map((r) => ({ key: r.key, label: r.label, unit: '×', digits: 2 }))];
}

/** One measurement; with floor ratios, the floor is measured on the same store just before it. */
async function measureOnce(workload: Workload, mode: Mode, stores: StoreFactory): Promise<Sample> {
  const ratios = workload.floorRatios ?? [];
  const floor = ratios.length === 0 ? undefined : await measureCommitFloor(stores);
  const sample = await workload.measure(mode === 'machine' ? undefined : mode, stores);
  if (floor === undefined) return sample;
  for (const r of ratios) {
    sample[FLOOR_METRICS[r.floor].key] = floor[r.floor];
    sample[r.key] = sample[r.metric]! / floor[r.floor];
  }
  return sample;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function runWorkload(workload: Workload, runs: number, stores: StoreFactory): Promise<WorkloadResult> {
  const modes: Mode[] = workload.modes.length === 0 ? ['machine'] : [...workload.modes];
  const samples = new Map<Mode, Sample[]>();
  const result: WorkloadResult = { id: workload.id, title: workload.title, metrics: [] };
  try {
    if (workload.warmUp) for (const mode of modes) await workload.measure(mode === 'machine' ? undefined : mode, stores);
    // Modes alternate between measurements, so a slow spell of the machine does not fall on one mode only.
    for (let i = 0; i < Math.min(runs, workload.maxRuns ?? runs); i++) {
      for (const mode of modes) {
        const started = performance.now();
        const sample = await measureOnce(workload, mode, stores);
        process.stderr.write(
          `  ${workload.id} ${mode} #${i + 1}: ${describe(metricsOf(workload), sample)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
        samples.set(mode, [...(samples.get(mode) ?? []), sample]);
      }
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    process.stderr.write(`  ${workload.id} failed: ${result.error}\n`);
    return result;
  }
  for (const spec of metricsOf(workload)) {
    const metric: MetricResult = { key: spec.key, label: spec.label, unit: spec.unit, results: {} };
    const target = targetFor(spec, stores.kind);
    if (target !== undefined) metric.target = target;
    for (const mode of modes) {
      const summary: Summary & { met?: boolean } = summarize((samples.get(mode) ?? []).map((s) => s[spec.key]!));
      if (target !== undefined) summary.met = meets(target, summary.median);
      metric.results[mode] = summary;
    }
    result.metrics.push(metric);
  }
  return result;
}

function describe(specs: readonly MetricSpec[], sample: Sample): string {
  return specs.map((m) => `${m.label} ${format(sample[m.key]!, m.digits)}${m.unit.startsWith('/') ? m.unit : m.unit === '' ? '' : ` ${m.unit}`}`).join(', ');
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(summary: Summary | undefined, digits: number): string {
  if (summary === undefined) return '';
  if (summary.samples.length === 1) return format(summary.median, digits);
  return `${format(summary.median, digits)} (${format(summary.min, digits)}–${format(summary.max, digits)})`;
}

function targetText(target: Target | undefined, unit: string): string {
  if (target === undefined) return '';
  return `${target.op === '>=' ? '≥' : '≤'} ${format(target.value, Number.isInteger(target.value) ? 0 : 1)}${unit === '' || unit.startsWith('/') ? unit : ` ${unit}`}`;
}

function metText(summary: (Summary & { met?: boolean }) | undefined): string {
  return summary?.met === undefined ? '' : summary.met ? 'yes' : 'NO';
}

function table(results: WorkloadResult[]): string {
  const digitsOf = new Map(WORKLOADS.flatMap((w) => metricsOf(w).map((m) => [`${w.id}.${m.key}`, m.digits] as const)));
  const header = ['workload', 'metric', 'strict: median (min–max)', 'batched: median (min–max)', 'target', 'met strict', 'met batched'];
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      rows.push([r.id, `FAILED: ${r.error}`, '', '', '', '', '']);
      continue;
    }
    for (const m of r.metrics) {
      const digits = digitsOf.get(`${r.id}.${m.key}`) ?? 2;
      const unit = m.unit === '' ? '' : ` ${m.unit}`;
      const label = `${m.label}${unit === '' || m.unit.startsWith('/') ? '' : ` (${m.unit})`}`;
      const machine = m.results.machine;
      rows.push([
        r.id,
        label,
        machine !== undefined ? `${cell(machine, digits)} (no engine)` : cell(m.results.strict, digits),
        machine !== undefined ? '' : cell(m.results.batched, digits),
        targetText(m.target, m.unit),
        metText(m.results.strict),
        metText(m.results.batched),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-')];
  let previous = '';
  for (const row of rows) {
    if (previous !== '' && row[0] !== previous)
      out.push(
        widths
          .map((w) => ' '.repeat(w))
          .join(' | ')
          .trimEnd(),
      );
    out.push(line(row).trimEnd());
    previous = row[0]!;
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { selected, runs, json, stores } = options();
  const environment = {
    date: new Date().toISOString(),
    store: stores.kind,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    runs,
    loadBefore: loadavg().map((l) => Number(l.toFixed(2))),
  };
  process.stderr.write(
    `Baton benchmarks: ${environment.date}, Node ${environment.node}, ${environment.cpus} × ${environment.cpuModel}, ${stores.description}, ${runs} run(s) each\n`,
  );
  const results: WorkloadResult[] = [];
  for (const workload of selected) {
    process.stderr.write(`${workload.id}: ${workload.title}\n`);
    results.push(await runWorkload(workload, runs, stores));
  }
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  if (json) {
    console.log(JSON.stringify({ ...environment, loadAfter, workloads: results }, null, 2));
  } else {
    console.log(`\nBaton benchmarks — ${environment.date}`);
    console.log(`Node ${environment.node}, ${environment.platform}, ${environment.cpus} CPUs (${environment.cpuModel}); ${stores.description}`);
    console.log(
      `${runs} measurement(s) per workload and mode (after one unreported warm-up for in-process workloads); load average before ${environment.loadBefore.join(' ')}, after ${loadAfter.join(' ')}\n`,
    );
    console.log(table(results));
    console.log('');
  }
  if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
}

await main();
