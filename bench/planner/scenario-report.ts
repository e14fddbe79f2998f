/** What the planner benchmark measured for one scenario, and the table and totals it prints. */
import { median } from '../lib/stats.js';
import type { CheckOutcome } from './scenario-types.js';

export interface ScenarioFigures {
  readonly scenario: string;
  /** The first round's answer validated (with the catalog). */
  readonly validFirstRound: boolean;
  /** The plan ended valid, on any round. */
  readonly validAfterFeedback: boolean;
  readonly rounds: number;
  readonly checks: readonly CheckOutcome[];
  readonly tokens: number;
  readonly costUsd: number;
  readonly ms: number;
  /** Why planning itself failed (the model unreachable, a budget), when it did. */
  readonly error?: string;
}

export interface Totals {
  readonly scenarios: number;
  readonly validFirstRound: number;
  readonly validAfterFeedback: number;
  readonly allChecks: number;
  readonly checksPassed: number;
  readonly checks: number;
  readonly medianRounds: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly ms: number;
}

export function totalsOf(rows: readonly ScenarioFigures[]): Totals {
  const passed = (row: ScenarioFigures): number => row.checks.filter((c) => c.passed).length;
  return {
    scenarios: rows.length,
    validFirstRound: rows.filter((r) => r.validFirstRound).length,
    validAfterFeedback: rows.filter((r) => r.validAfterFeedback).length,
    allChecks: rows.filter((r) => r.checks.length > 0 && passed(r) === r.checks.length).length,
    checksPassed: rows.reduce((sum, r) => sum + passed(r), 0),
    checks: rows.reduce((sum, r) => sum + r.checks.length, 0),
    medianRounds: rows.length === 0 ? 0 : median(rows.map((r) => r.rounds)),
    tokens: rows.reduce((sum, r) => sum + r.tokens, 0),
    costUsd: rows.reduce((sum, r) => sum + r.costUsd, 0),
    ms: rows.reduce((sum, r) => sum + r.ms, 0),
  };
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
const share = (part: number, whole: number): string => `${part}/${whole} (${whole === 0 ? 0 : Math.round((part / whole) * 100)}%)`;
const usd = (value: number): string => `$${value.toFixed(4)}`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One line per scenario. */
export function scenarioTable(rows: readonly ScenarioFigures[]): string {
  const header = ['scenario', 'round 1', 'after feedback', 'rounds', 'checks', 'tokens', 'cost', 'time'];
  const cells = rows.map((r) => [
    r.scenario,
    yesNo(r.validFirstRound),
    yesNo(r.validAfterFeedback),
    String(r.rounds),
    `${r.checks.filter((c) => c.passed).length}/${r.checks.length}`,
    r.tokens.toLocaleString('en-US'),
    usd(r.costUsd),
    seconds(r.ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

/** The failed checks (and planning errors), scenario by scenario. */
export function failureList(rows: readonly ScenarioFigures[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const failed = row.checks.filter((c) => !c.passed);
    if (failed.length === 0 && row.error === undefined) continue;
    lines.push(`${row.scenario}:`);
    if (row.error !== undefined) lines.push(`  planning failed: ${row.error}`);
    for (const check of failed) lines.push(`  ✗ ${check.check}${check.detail === undefined ? '' : ` — ${check.detail}`}`);
  }
  return lines.length === 0 ? 'Every check passed.' : lines.join('\n');
}

export function totalsText(totals: Totals): string {
  return [
    `valid on the first round:   ${share(totals.validFirstRound, totals.scenarios)}`,
    `valid after feedback:       ${share(totals.validAfterFeedback, totals.scenarios)}`,
    `passing all checks:         ${share(totals.allChecks, totals.scenarios)} (checks passed: ${share(totals.checksPassed, totals.checks)})`,
    `median rounds:              ${totals.medianRounds}`,
    `tokens:                     ${totals.tokens.toLocaleString('en-US')}`,
    `cost:                       ${usd(totals.costUsd)}`,
    `time:                       ${seconds(totals.ms)}`,
  ].join('\n');
}
