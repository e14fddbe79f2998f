/**
 * Turns the rounds into what the harness prints: per system and workload figure, the median with
 * its range over the rounds, and the median of the per-round ratios to Baton strict (each round's
 * figure divided by Baton strict's in the same round, so a slow spell of the machine cancels out).
 */
import type { Floor } from './floor.js';
import type { ChildResult } from './protocol.js';
import { range, type Range } from './stats.js';
import type { PeerSystem, WorkloadId } from './system.js';
import { HEADLINE, workloadSpec, type MetricSpec } from './workloads.js';

/** The floor a workload's headline figure compares with: one commit per step, three per one-step run. */
export const FLOOR_OF: Partial<Record<WorkloadId, { key: keyof Floor; text: string }>> = {
  W1seq: { key: 'commitP50Ms', text: '÷ floor (1 commit)' },
  W3: { key: 'threeCommitsP50Ms', text: '÷ floor (3 commits)' },
};

export const REFERENCE = 'baton-strict';

export interface MetricSummary {
  key: string;
  label: string;
  unit: string;
  /** Over the rounds that produced the figure. */
  range?: Range;
  /** Median over rounds of this system's figure / Baton strict's, for the workload's headline figure. */
  ratioToReference?: number;
  /** Median over rounds of the headline figure / the same round's floor, where the workload has one. */
  ratioToFloor?: number;
}

export interface Cell {
  system: string;
  workload: WorkloadId;
  metrics: MetricSummary[];
  /** Why there is no figure (the system's note), or the errors of the rounds that failed. */
  skipped?: string;
  errors: string[];
}

export interface Summary {
  floor: { commitP50Ms: Range; threeCommitsP50Ms: Range } | undefined;
  cells: Cell[];
}

export function summarize(
  systems: readonly PeerSystem[],
  workloads: readonly WorkloadId[],
  results: readonly ChildResult[],
  floors: readonly Floor[],
): Summary {
  const cells: Cell[] = [];
  for (const workload of workloads) {
    const spec = workloadSpec(workload);
    for (const system of systems) {
      const outcomes = results
        .filter((r) => r.system === system.id)
        .map((r) => ({ round: r.round, outcome: r.workloads.find((w) => w.id === workload), error: r.error }));
      const cell: Cell = { system: system.id, workload, metrics: [], errors: [] };
      const skipped = system.notes?.[workload] ?? outcomes.find((o) => o.outcome?.skipped !== undefined)?.outcome?.skipped;
      if (skipped !== undefined) cell.skipped = skipped;
      for (const o of outcomes) {
        const error = o.outcome?.error ?? (o.outcome === undefined ? o.error : undefined);
        if (error !== undefined) cell.errors.push(`round ${o.round}: ${error}`);
      }
      for (const metric of spec.metrics) cell.metrics.push(metricSummary(metric, workload, system.id, results, floors));
      cells.push(cell);
    }
  }
  const floor =
    floors.length === 0
      ? undefined
      : { commitP50Ms: range(floors.map((f) => f.commitP50Ms)), threeCommitsP50Ms: range(floors.map((f) => f.threeCommitsP50Ms)) };
  return { floor, cells };
}

function figure(results: readonly ChildResult[], system: string, round: number, workload: WorkloadId, key: string): number | undefined {
  return results.find((r) => r.system === system && r.round === round)?.workloads.find((w) => w.id === workload)?.figures?.[key];
}

function metricSummary(metric: MetricSpec, workload: WorkloadId, system: string, results: readonly ChildResult[], floors: readonly Floor[]): MetricSummary {
  const summary: MetricSummary = { key: metric.key, label: metric.label, unit: metric.unit };
  const rounds = results.filter((r) => r.system === system).map((r) => r.round);
  const values = rounds.map((round) => figure(results, system, round, workload, metric.key)).filter((v): v is number => v !== undefined);
  if (values.length > 0) summary.range = range(values);
  if (metric.key === HEADLINE[workload]) {
    const ratios = rounds
      .map((round) => {
        const own = figure(results, system, round, workload, metric.key);
        const reference = figure(results, REFERENCE, round, workload, metric.key);
        return own === undefined || reference === undefined || reference === 0 ? undefined : own / reference;
      })
      .filter((v): v is number => v !== undefined);
    if (ratios.length > 0) summary.ratioToReference = range(ratios).median;
    const floorOf = FLOOR_OF[workload];
    if (floorOf !== undefined) {
      // Round r's floor is floors[r - 1]: the runner measures it at the start of every round.
      const toFloor = rounds
        .map((round) => {
          const own = figure(results, system, round, workload, metric.key);
          const floor = floors[round - 1]?.[floorOf.key];
          return own === undefined || floor === undefined || floor === 0 ? undefined : own / floor;
        })
        .filter((v): v is number => v !== undefined);
      if (toFloor.length > 0) summary.ratioToFloor = range(toFloor).median;
    }
  }
  return summary;
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Digits to show: what the metric asks for, more for small values so they do not print as 0. */
function digitsFor(metric: MetricSpec, value: number): number {
  if (metric.digits === 0 && Math.abs(value) < 10) return 1;
  return metric.digits;
}

export function cellText(metric: MetricSpec, r: Range): string {
  const d = digitsFor(metric, r.median);
  return r.count === 1 ? format(r.median, d) : `${format(r.median, d)} (${format(r.min, d)}–${format(r.max, d)})`;
}

/** The table: one block per workload, one row per system, one column per figure, then the ratio. */
export function table(systems: readonly PeerSystem[], summary: Summary): string {
  const out: string[] = [];
  const workloads = [...new Set(summary.cells.map((c) => c.workload))];
  for (const workload of workloads) {
    const spec = workloadSpec(workload);
    const headline = HEADLINE[workload];
    const headlineSpec = spec.metrics.find((m) => m.key === headline)!;
    const header = [
      'system',
      ...spec.metrics.map((m) => (m.unit === '' || m.unit.startsWith('/') ? m.label : `${m.label}, ${m.unit}`)),
      `${headlineSpec.label} ÷ strict (${headlineSpec.better} better)`,
      ...(FLOOR_OF[workload] === undefined ? [] : [`${headlineSpec.label} ${FLOOR_OF[workload].text}`]),
    ];
    const rows: string[][] = [];
    for (const system of systems) {
      const cell = summary.cells.find((c) => c.workload === workload && c.system === system.id);
      if (cell === undefined) continue;
      if (cell.skipped !== undefined) {
        rows.push([system.id, `— ${cell.skipped}`]);
        continue;
      }
      const figures = spec.metrics.map((m) => {
        const s = cell.metrics.find((x) => x.key === m.key);
        return s?.range === undefined ? (cell.errors.length > 0 ? 'FAILED' : '—') : cellText(m, s.range);
      });
      const main = cell.metrics.find((m) => m.key === headline);
      const times = (ratio: number | undefined): string => (ratio === undefined ? '' : `${format(ratio, 2)}×`);
      rows.push([system.id, ...figures, times(main?.ratioToReference), ...(FLOOR_OF[workload] === undefined ? [] : [times(main?.ratioToFloor)])]);
      for (const error of cell.errors) rows.push(['', `  ${error.split('\n')[0]}`]);
    }
    out.push(`${workload}: ${spec.title}`);
    out.push(...grid(header, rows));
    out.push('');
  }
  return out.join('\n');
}

/** Aligned columns; a row shorter than the header (a note, an error) runs across the columns. */
function grid(header: string[], rows: string[][]): string[] {
  const full = rows.filter((r) => r.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, ...full.map((r) => r[i]!.length)));
  const line = (row: string[]): string =>
    row.length === header.length
      ? row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')
      : `${row[0]!.padEnd(widths[0]!)} | ${row.slice(1).join(' ')}`;
  return [`  ${line(header)}`, `  ${widths.map((w) => '-'.repeat(w)).join('-|-')}`, ...rows.map((r) => `  ${line(r)}`.trimEnd())];
}
